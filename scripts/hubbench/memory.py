"""Memory per idle connection: the server's RSS before and after many idle, synced clients.

A few warm-up connections go first so one-off costs (lazy imports, caches, the first
allocations of each kind) land in the baseline, not in the per-connection figure.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hubbench.loadgen import LoadGen, split
from hubbench.procstat import CpuWindow, rss_bytes
from hubbench.servers import ServerProcess

Progress = Callable[[str], None]


@dataclass(frozen=True)
class MemorySettings:
    client_procs: int
    idle_seconds: float


def open_files_limit(pid: int) -> int | None:
    """The soft RLIMIT_NOFILE of a running process, from /proc/<pid>/limits."""
    try:
        with open(f"/proc/{pid}/limits") as handle:
            for line in handle:
                if line.startswith("Max open files"):
                    return int(line.split()[3])
    except (OSError, ValueError):
        return None
    return None


def measure_memory(
    server: ServerProcess,
    warmup: list[tuple[str, int]],
    idle: list[tuple[str, int]],
    settings: MemorySettings,
    progress: Progress,
) -> dict[str, Any]:
    limit = open_files_limit(server.pid)
    if limit is not None and limit < len(idle) + 100:
        raise RuntimeError(
            f"the server may open only {limit} files but needs {len(idle) + 100}; raise `ulimit -n` "
            f"(scripts/bench does) or run with fewer --connections"
        )
    gen = LoadGen([f"idle-{i + 1}" for i in range(settings.client_procs)])
    try:
        workers = list(range(len(gen.names)))
        gen.call(
            [0],
            "connect",
            args={"host": server.host, "port": server.port, "tickets": warmup, "role": "idle"},
        )
        time.sleep(settings.idle_seconds)
        baseline = rss_bytes(server.pid)
        progress(
            f"{server.name}: baseline RSS {baseline / 2**20:.1f} MiB; opening {len(idle)} idle connections"
        )
        started = time.monotonic()
        cpu = CpuWindow({"server": server.pid, **gen.pids})
        cpu.start()
        connected = gen.call(
            workers,
            "connect",
            timeout=600,
            args=[
                {
                    "host": server.host,
                    "port": server.port,
                    "tickets": share,
                    "role": "idle",
                    "concurrency": 100,
                }
                for share in split(idle, len(workers))
            ],
        )
        connect_seconds = time.monotonic() - started
        connect_cpu = cpu.stop()
        opened = sum(c["connected"] for c in connected)
        time.sleep(settings.idle_seconds)
        loaded = rss_bytes(server.pid)
        final = gen.call(workers, "snapshot")
        still_open = opened - sum(x["closed"] for x in final) + len(warmup)
        per_connection = (loaded - baseline) / max(opened, 1)
        progress(f"{server.name}: {opened} idle connections, {per_connection / 1024:.1f} KiB each")
        return {
            "server": server.name,
            "connections": opened,
            "failed": sum(c["failed"] for c in connected),
            "connect_errors": [e for c in connected for e in c["errors"]][:5],
            "still_open": still_open,
            "connect_seconds": round(connect_seconds, 1),
            "connects_per_s": round(opened / connect_seconds) if connect_seconds else None,
            "cpu_percent_while_connecting": connect_cpu,
            "baseline_rss_mib": round(baseline / 2**20, 1),
            "loaded_rss_mib": round(loaded / 2**20, 1),
            "kib_per_connection": round(per_connection / 1024, 1),
            "server_open_files_limit": limit,
            "bench_open_files_limit": resource.getrlimit(resource.RLIMIT_NOFILE)[0],
            "errors": sum(x["errors"] for x in final),
            "error_samples": [e for x in final for e in x["error_samples"]][:5],
        }
    finally:
        gen.close()
