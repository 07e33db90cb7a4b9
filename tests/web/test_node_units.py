"""The web client's unit tests (`node --test tests/web/`) run as part of the Python suite."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.conftest import require_service

HERE = Path(__file__).resolve().parent


def test_web_client_unit_tests_pass() -> None:
    node = shutil.which("node")
    if node is None:
        require_service(
            "HUB_TEST_NODE", "Node.js (apt install nodejs) for the web client's unit tests"
        )
    files = sorted(str(path) for path in HERE.glob("*.test.js"))
    assert files, "no web unit tests found in tests/web/"
    result = subprocess.run(
        [node or "node", "--test", *files], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
