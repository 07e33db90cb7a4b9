"""Start and stop the servers under test, each in its own process.

The hub runs exactly as in production (uvicorn, the app factory, its own process), so the
load generator never shares an interpreter or a core's event loop with it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

BENCH_SECRET = "bench-secret-not-for-production"
# The folder that holds the `hubbench` package (scripts/): not installed with the hub.
_BENCH_ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ServerProcess:
    name: str
    argv: list[str]
    env: dict[str, str]
    port: int
    log_path: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def pid(self) -> int:
        assert self.process is not None, "the server is not started"
        return self.process.pid

    @property
    def host(self) -> str:
        return "127.0.0.1"

    def start(self, timeout: float = 30.0) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            self.argv, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        url = f"http://127.0.0.1:{self.port}/healthz"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {self.process.returncode}; see {self.log_path}:\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(url, timeout=1) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(
            f"{self.name} did not answer {url} within {timeout}s; see {self.log_path}:\n{self.log_tail()}"
        )

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def metrics(self) -> dict[str, float]:
        """The server's Prometheus counters (name -> value); empty if it has no /metrics."""
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{self.port}/metrics", timeout=5
            ) as response:
                text = response.read().decode()
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return {}
        values: dict[str, float] = {}
        for line in text.splitlines():
            if line and not line.startswith("#"):
                name, _, value = line.rpartition(" ")
                try:
                    values[name] = float(value)
                except ValueError:
                    continue
        return values

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def hub_server(database_url: str, run_dir: Path, ws_impl: str, label: str) -> ServerProcess:
    port = free_port()
    env = dict(os.environ)
    env.update(
        HUB_DATABASE_URL=database_url,
        HUB_SECRET_KEY=BENCH_SECRET,
        HUB_PORT=str(port),
        HUB_CONFIG=str(run_dir / "no-config.toml"),  # never pick up a developer's config/hub.toml
        HUB_DATA_DIR=str(run_dir / "data"),
        HUB_LOG_LEVEL="warning",
        HUB_SEND_RATE_PER_SECOND="1000000",
        HUB_SEND_RATE_BURST="1000000",
        HUB_CONNECTION_QUEUE_FRAMES="100000",
    )
    argv = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "hub.app:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--ws",
        ws_impl,
        "--ws-max-size",
        "1048576",
        "--ws-per-message-deflate",
        "false",
        "--log-level",
        "warning",
        "--no-access-log",
        "--backlog",
        "4096",
    ]
    return ServerProcess(f"hub ({ws_impl})", argv, env, port, run_dir / f"server-{label}.log")


def ceiling_server(run_dir: Path) -> ServerProcess:
    port = free_port()
    argv = [sys.executable, "-m", "hubbench.ceiling", "--port", str(port)]
    return ServerProcess("ceiling", argv, _bench_env(), port, run_dir / "server-ceiling.log")


def _bench_env() -> dict[str, str]:
    """This environment with `hubbench` findable: a child that runs one of the bench's
    modules must be told where it is, however this process was started."""
    env = dict(os.environ)
    paths = [str(_BENCH_ROOT), env.get("PYTHONPATH", "")]
    env["PYTHONPATH"] = os.pathsep.join(path for path in paths if path)
    return env
