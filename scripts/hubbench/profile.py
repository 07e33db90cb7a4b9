"""Optional sampling profile of the server during a measuring window (`--profile`).

Runs `py-spy record` (pip install py-spy into the venv) on the server process in
non-blocking mode and writes the collapsed stacks plus a short summary of where the
server's active time went: by function, inclusive and self.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path


def py_spy() -> str | None:
    local = Path(sys.executable).parent / "py-spy"
    return str(local) if local.exists() else shutil.which("py-spy")


class ServerProfile:
    def __init__(self, pid: int, out_dir: Path, label: str, seconds: float) -> None:
        self.raw_path = out_dir / f"profile-{label}.txt"
        self.summary_path = out_dir / f"profile-{label}.summary.txt"
        self.pid, self.seconds = pid, seconds
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = py_spy()
        if binary is None:
            raise RuntimeError("--profile needs py-spy: .venv/bin/pip install py-spy")
        self._process = subprocess.Popen(
            [
                binary,
                "record",
                "-p",
                str(self.pid),
                "-d",
                str(math.ceil(self.seconds)),
                "-r",
                "250",
                "--nonblocking",
                "--format",
                "raw",
                "-o",
                str(self.raw_path),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def finish(self) -> str | None:
        """Wait for py-spy, write the summary, return its path (None if nothing was sampled)."""
        if self._process is None:
            return None
        try:
            self._process.wait(self.seconds + 15)
        except subprocess.TimeoutExpired:
            self._process.kill()
            return None
        if not self.raw_path.exists():
            return None
        self.summary_path.write_text(summarise(self.raw_path.read_text()))
        return str(self.summary_path)


def summarise(collapsed: str, top: int = 25) -> str:
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in collapsed.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [_short(frame) for frame in stack.split(";")]
        total += count
        own[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count
    if not total:
        return "no samples\n"
    lines = [
        f"{total} samples of active server time",
        "",
        "inclusive (function and what it calls):",
    ]
    lines += [f"  {100 * n / total:5.1f}%  {name}" for name, n in inclusive.most_common(top)]
    lines += ["", "self (time in the function's own code):"]
    lines += [f"  {100 * n / total:5.1f}%  {name}" for name, n in own.most_common(top)]
    return "\n".join(lines) + "\n"


def _short(frame: str) -> str:
    # "send_text (starlette/websockets.py:123)" -> "send_text (starlette/websockets.py)"
    name, _, where = frame.partition(" (")
    where = where.rstrip(")").rsplit(":", 1)[0]
    for marker in ("site-packages/", "/work/main/", "lib/python3.11/"):
        if marker in where:
            where = where.split(marker, 1)[1]
    return f"{name} ({where})" if where else name


def start_profile(
    pid: int, out_dir: Path | None, label: str, seconds: float
) -> ServerProfile | None:
    """Start profiling `pid` for `seconds` when `out_dir` is set (the `--profile` flag), else None."""
    if out_dir is None:
        return None
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in label)
    profile = ServerProfile(pid, out_dir, safe, seconds)
    profile.start()
    return profile
