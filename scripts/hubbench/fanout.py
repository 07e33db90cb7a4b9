"""Fan-out: one sender, many receivers in one channel.

Saturation: the sender keeps a window of messages whose echo (its own copy of
`message.new`) has not come back, so it runs as fast as the server delivers without
letting queues grow without bound; deliveries/s is counted at the receivers over a
window after warm-up (in slices; the slice where other processes took least CPU counts). Latency: the sender then sends on a fixed schedule at half the
measured message rate, and receivers compare their wall clock with the send time
carried in the text.
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
SLICES = 3  # the saturation window is cut in slices; the one least disturbed by other work counts


@dataclass(frozen=True)
class FanoutPlan:
    channel_id: int
    sender_ticket: str
    receiver_tickets: list[str]


@dataclass(frozen=True)
class FanoutSettings:
    client_procs: int
    warmup: float
    measure: float
    window: int
    text_bytes: int
    read_pause: float = 0.05
    profile_dir: Path | None = None
    # Also measure latency at these deliveries/s (the hub is paced at the ceiling's rate
    # too, so the two latencies compare at equal load).
    extra_paced_deliveries: tuple[float, ...] = ()


def measure_fanout(
    server: ServerProcess, plan: FanoutPlan, settings: FanoutSettings, progress: Progress
) -> dict[str, Any]:
    gen = LoadGen(["sender", *(f"receivers-{i + 1}" for i in range(settings.client_procs))])
    try:
        return _measure(gen, server, plan, settings, progress)
    finally:
        gen.close()


def _measure(
    gen: LoadGen, server: ServerProcess, plan: FanoutPlan, s: FanoutSettings, progress: Progress
) -> dict[str, Any]:
    sender = [0]
    receivers = list(range(1, 1 + s.client_procs))
    pids = {"server": server.pid, **gen.pids}
    n = len(plan.receiver_tickets)

    progress(f"{server.name}: connecting {n} receivers over {len(receivers)} client processes")
    shares = split([(t, plan.channel_id) for t in plan.receiver_tickets], len(receivers))
    connected = gen.call(
        receivers,
        "connect",
        args=[
            {"host": server.host, "port": server.port, "tickets": share, "role": "receiver"}
            for share in shares
        ],
    )
    gen.call(
        sender,
        "connect",
        args={
            "host": server.host,
            "port": server.port,
            "tickets": [(plan.sender_ticket, plan.channel_id)],
            "role": "sender",
        },
    )
    failed = sum(c["failed"] for c in connected)
    if failed:
        raise RuntimeError(
            f"{failed} receivers failed to connect: {[e for c in connected for e in c['errors']]}"
        )

    # -- saturation --------------------------------------------------------------------
    # Receivers read in batches (each socket at most every read_pause s) so a client's
    # cost per delivery stays well under the server's; the sender reads eagerly.
    gen.call(receivers, "read_pause", args={"seconds": s.read_pause})
    quiet_saturation = wait_for_quiet()
    progress(f"{server.name}: saturating for {s.warmup + s.measure:.0f}s (window {s.window})")
    gen.call(
        sender,
        "start",
        args={
            "kind": "flood",
            "duration": s.warmup + s.measure,
            "window": s.window,
            "text_bytes": s.text_bytes,
        },
    )
    time.sleep(s.warmup)
    profile = start_profile(server.pid, s.profile_dir, f"{server.name}-saturation", s.measure)
    slices = measure_slices(gen, receivers, pids, s.measure, SLICES, "deliveries")
    chosen = quietest(slices)
    rate, cpu_saturation = chosen["rate"], chosen["cpu"]
    flood = gen.call(sender, "join")[0]
    profiles = [profile.finish() if profile else None]
    drained = _drain(gen, receivers, expected=flood["sent"] * n)
    progress(f"{server.name}: {rate:,.0f} deliveries/s at saturation")

    # -- latency at half saturation (and, if asked, at a fixed rate) ----------------------
    gen.call(receivers, "read_pause", args={"seconds": 0.0})
    half = _paced(gen, server, s, pids, max(0.5 * rate / n, 1.0), n, progress, "paced")
    extra = {
        f"{deliveries:.0f}": _paced(
            gen, server, s, pids, max(deliveries / n, 1.0), n, progress, f"paced-{deliveries:.0f}"
        )
        for deliveries in s.extra_paced_deliveries
    }
    final = gen.call(receivers + sender, "snapshot")

    return {
        "server": server.name,
        "receivers": n,
        "client_processes": len(receivers),
        "deliveries_per_s": round(rate),
        "saturation_slices": slices,
        "messages_per_s": round(rate / n, 1),
        "flood": flood,
        "delivered_after_flood": drained,
        "paced_messages_per_s": half["messages_per_s"],
        "paced_deliveries_per_s": half["deliveries_per_s"],
        "latency_ms": half["latency_ms"],
        "cpu_percent_saturation": cpu_saturation,
        "cpu_percent_paced": half["cpu_percent"],
        "paced_at_fixed_rates": extra,
        "machine_before_windows": {
            "saturation": quiet_saturation,
            "paced": half["machine_before_window"],
        },
        "profiles": [p for p in [*profiles, half["profile"]] if p],
        "errors": sum(x["errors"] for x in final),
        "error_samples": [e for x in final for e in x["error_samples"]][:5],
        "closed_connections": sum(x["closed"] for x in final),
    }


def _paced(
    gen: LoadGen,
    server: ServerProcess,
    s: FanoutSettings,
    pids: dict[str, int],
    message_rate: float,
    n: int,
    progress: Progress,
    label: str,
) -> dict[str, Any]:
    """Send at a steady `message_rate`; delivery latency percentiles over the window."""
    sender, receivers = [0], list(range(1, len(gen.names)))
    quiet = wait_for_quiet()
    progress(
        f"{server.name}: paced at {message_rate:,.1f} msgs/s ({message_rate * n:,.0f} deliveries/s) for latency"
    )
    gen.call(
        sender,
        "start",
        args={
            "kind": "pace",
            "duration": s.warmup + s.measure,
            "rate": message_rate,
            "text_bytes": s.text_bytes,
        },
    )
    time.sleep(s.warmup)
    gen.call(receivers, "record", args={"on": True})
    before = gen.call(receivers, "snapshot")
    cpu = CpuWindow(pids)
    cpu.start()
    profile = start_profile(server.pid, s.profile_dir, f"{server.name}-{label}", s.measure)
    time.sleep(s.measure)
    gen.call(receivers, "record", args={"on": False})
    after = gen.call(receivers, "snapshot")
    usage = cpu.stop()
    sent = gen.call(sender, "join")[0]
    latencies = decode_us([r["delivery_us"] for r in gen.call(receivers, "latencies")])
    rate = sum(
        (a["deliveries"] - b["deliveries"]) / (a["time"] - b["time"])
        for a, b in zip(after, before, strict=True)
    )
    return {
        "messages_per_s": round(message_rate, 1),
        "deliveries_per_s": round(rate),
        "sender": sent,
        "latency_ms": {
            "samples": len(latencies),
            "p50": _ms(percentile(latencies, 0.50)),
            "p99": _ms(percentile(latencies, 0.99)),
            "max": _ms(float(latencies[-1]) if latencies else None),
        },
        "cpu_percent": usage,
        "machine_before_window": quiet,
        "profile": profile.finish() if profile else None,
    }


def _drain(
    gen: LoadGen, receivers: list[int], expected: int, quiet: float = 1.5, limit: float = 20.0
) -> dict[str, Any]:
    """Wait until receivers have everything sent (or stop getting more); report losses."""
    deadline = time.monotonic() + limit
    last, last_change = -1, time.monotonic()
    while time.monotonic() < deadline:
        total = sum(x["deliveries"] for x in gen.call(receivers, "snapshot"))
        if total >= expected:
            break
        if total != last:
            last, last_change = total, time.monotonic()
        elif time.monotonic() - last_change > quiet:
            break
        time.sleep(0.2)
    total = sum(x["deliveries"] for x in gen.call(receivers, "snapshot"))
    return {"expected": expected, "delivered": total, "missing": max(expected - total, 0)}


def _ms(us: float | None) -> float | None:
    return None if us is None else round(us / 1000, 2)
