"""`hub serve` allows the page's own origin whichever way its port was chosen."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.support import ROOT, free_port


def test_a_port_from_the_environment_is_an_allowed_origin(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env.update(
        HUB_PORT=str(port),
        HUB_DATA_DIR=str(tmp_path),
        HUB_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'hub.db'}",
        HUB_CONFIG=str(tmp_path / "none.toml"),
        HUB_SECRET_KEY="test",
    )
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-c", "from hub.cli import main; main()", "serve"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "hub serve did not start in 30 s"
            time.sleep(0.2)
        response = httpx.post(
            f"{base}/api/v1/auth/sign-in",
            json={"username": "nobody", "password": "wrong password"},
            headers={"Origin": base},
        )
        # Past the origin check: the answer is about the credentials, not the origin.
        assert response.status_code == 401, response.text
        assert response.json()["error"]["code"] == "invalid_credentials"
    finally:
        server.terminate()
        server.wait(timeout=15)
        log.close()
