"""Write path: many concurrent senders, each with one message in flight (send, ack, send).

An ack means the message is committed, so acks/s is persisted messages/s; the count of
rows in the database afterwards is checked against the acks. Every sender is also a
member of its channel and receives everyone's `message.new`, as in real use.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hubbench.loadgen import LoadGen, decode_us, measure_slices, percentile, quietest, split
from hubbench.procstat import CpuWindow, wait_for_quiet
from hubbench.profile import start_profile
from hubbench.servers import ServerProcess

Progress = Callable[[str], None]


@dataclass(frozen=True)
class WriteSettings:
    client_procs: int
    warmup: float
    measure: float
    text_bytes: int
    profile_dir: Path | None = None


def measure_writes(
    server: ServerProcess,
    senders: list[tuple[str, int]],
    settings: WriteSettings,
    progress: Progress,
    label: str = "",
) -> dict[str, Any]:
    """`senders`: one (ticket, channel id) per sending connection."""
    gen = LoadGen([f"senders-{i + 1}" for i in range(settings.client_procs)])
    try:
        return _measure(gen, server, senders, settings, progress, label)
    finally:
        gen.close()


def _measure(
    gen: LoadGen,
    server: ServerProcess,
    senders: list[tuple[str, int]],
    s: WriteSettings,
    progress: Progress,
    label: str,
) -> dict[str, Any]:
    workers = list(range(len(gen.names)))
    progress(
        f"{server.name}: connecting {len(senders)} senders over {len(workers)} client processes"
    )
    connected = gen.call(
        workers,
        "connect",
        args=[
            {"host": server.host, "port": server.port, "tickets": share, "role": "writer"}
            for share in split(senders, len(workers))
        ],
    )
    failed = sum(c["failed"] for c in connected)
    if failed:
        raise RuntimeError(
            f"{failed} senders failed to connect: {[e for c in connected for e in c['errors']]}"
        )

    progress(f"{server.name}: {len(senders)} senders for {s.warmup + s.measure:.0f}s")
    pids = {"server": server.pid, **gen.pids}
    cpu = CpuWindow(pids)
    quiet = wait_for_quiet()
    gen.call(
        workers,
        "start",
        args={"kind": "write", "duration": s.warmup + s.measure, "text_bytes": s.text_bytes},
    )
    time.sleep(s.warmup)
    gen.call(workers, "record", args={"on": True})
    before = gen.call(workers, "snapshot")
    metrics_before = server.metrics()
    cpu.start()
    profile = start_profile(server.pid, s.profile_dir, f"write-{label}", s.measure)
    slices = measure_slices(gen, workers, pids, s.measure, 3, "acks")
    after = gen.call(workers, "snapshot")
    gen.call(workers, "record", args={"on": False})
    usage = cpu.stop()
    metrics_after = server.metrics()
    chosen = quietest(slices)
    gen.call(workers, "join")
    profile_path = profile.finish() if profile else None
    final = gen.call(workers, "snapshot")
    acks = decode_us([r["ack_us"] for r in gen.call(workers, "latencies")])
    rate = chosen["rate"]
    mean_rate = sum(
        (a["acks"] - b["acks"]) / (a["time"] - b["time"])
        for a, b in zip(after, before, strict=True)
    )
    deliveries = sum(
        (a["deliveries"] - b["deliveries"]) / (a["time"] - b["time"])
        for a, b in zip(after, before, strict=True)
    )
    progress(
        f"{server.name}: {rate:,.0f} persisted msgs/s, ack p99 {_ms(percentile(acks, 0.99))} ms"
    )
    return {
        "server": server.name,
        "senders": len(senders),
        "channels": len({c for _, c in senders}),
        "persisted_per_s": round(rate),
        "persisted_per_s_whole_window": round(mean_rate),
        "slices": slices,
        "deliveries_per_s": round(deliveries),
        "ack_ms": {
            "samples": len(acks),
            "p50": _ms(percentile(acks, 0.50)),
            "p99": _ms(percentile(acks, 0.99)),
            "max": _ms(float(acks[-1]) if acks else None),
        },
        "group_commit": _group_commit(metrics_before, metrics_after),
        "sent_total": sum(x["sent"] for x in final),
        "acked_total": sum(x["acks"] for x in final),
        "cpu_percent": chosen["cpu"],
        "cpu_percent_whole_window": usage,
        "machine_before_window": quiet,
        "profiles": [profile_path] if profile_path else [],
        "errors": sum(x["errors"] for x in final),
        "error_samples": [e for x in final for e in x["error_samples"]][:5],
        "closed_connections": sum(x["closed"] for x in final),
    }


def _group_commit(before: dict[str, float], after: dict[str, float]) -> dict[str, float] | None:
    """Transactions and operations per transaction in the window, from the hub's /metrics."""
    ops, batches = "hub_committed_operations_total", "hub_commit_batches_total"
    if ops not in after or batches not in after or after[batches] == before.get(batches, 0.0):
        return None  # no /metrics, or the counters are not incremented
    d_ops = after[ops] - before.get(ops, 0.0)
    d_batches = after[batches] - before.get(batches, 0.0)
    return {
        "operations": d_ops,
        "transactions": d_batches,
        "operations_per_transaction": round(d_ops / d_batches, 1) if d_batches else 0.0,
    }


def _ms(us: float | None) -> float | None:
    return None if us is None else round(us / 1000, 2)
