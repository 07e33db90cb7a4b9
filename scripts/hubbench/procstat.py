"""CPU time and memory of processes, read from /proc (Linux only, like the bench)."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far."""
    with open(f"/proc/{pid}/stat") as handle:
        # The command name may hold spaces; fields after ")" are fixed.
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


def rss_bytes(pid: int) -> int:
    """Resident set size (VmRSS) from /proc/<pid>/status."""
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for pid {pid}; is it a zombie?")


def machine_busy_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds over all cores since boot, from /proc/stat."""
    with open("/proc/stat") as handle:
        values = [int(v) for v in handle.readline().split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    total = sum(values[:8])
    return (total - idle) / _TICKS, total / _TICKS


@dataclass
class CpuWindow:
    """CPU use of named processes between `start()` and `stop()`, as % of one core."""

    pids: dict[str, int]
    _start_wall: float = 0.0
    _start: dict[str, float] | None = None
    _start_machine: tuple[float, float] = (0.0, 0.0)

    def start(self) -> None:
        self._start_wall = time.monotonic()
        self._start = {name: cpu_seconds(pid) for name, pid in self.pids.items()}
        self._start_machine = machine_busy_seconds()

    def stop(self) -> dict[str, float]:
        """Per-process %CPU (100 = one full core), "machine" as % of all cores, and
        "others": CPU used by processes outside the bench (a shared machine skews figures)."""
        assert self._start is not None, "CpuWindow.stop() called before start()"
        wall = time.monotonic() - self._start_wall
        usage = {
            name: round(100 * (cpu_seconds(pid) - self._start[name]) / wall, 1)
            for name, pid in self.pids.items()
        }
        busy, total = machine_busy_seconds()
        machine = 100 * (busy - self._start_machine[0]) / max(total - self._start_machine[1], 1e-9)
        ours = sum(usage.values())
        usage["machine"] = round(machine, 1)
        usage["others"] = round(max(machine * (os.cpu_count() or 1) - ours, 0.0), 1)
        return usage


def wait_for_quiet(
    threshold: float = 30.0, timeout: float = 8.0, sample: float = 0.5
) -> dict[str, float]:
    """Wait (up to `timeout` s) until the machine is below `threshold` % busy over `sample` s.

    Other work on a shared machine (tests, type checks) takes CPU from the server under
    test; starting a window on a quiet machine keeps figures comparable. Returns how long
    it waited and the last busy %, for the report.
    """
    started = time.monotonic()
    busy_pct = 100.0
    while True:
        busy0, total0 = machine_busy_seconds()
        time.sleep(sample)
        busy1, total1 = machine_busy_seconds()
        busy_pct = 100 * (busy1 - busy0) / max(total1 - total0, 1e-9)
        if busy_pct < threshold or time.monotonic() - started > timeout:
            return {
                "waited_s": round(time.monotonic() - started, 1),
                "busy_percent": round(busy_pct, 1),
            }
