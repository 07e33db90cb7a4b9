"""docs/testing-bots.md, run as written by a bot package outside this repository."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "testing-bots.md"


def _block(text: str, first_line: str) -> str:
    """The fenced block of the guide that starts with the comment `first_line`."""
    match = re.search(rf"```\w+\n{re.escape(first_line)}\n(.*?)```", text, re.S)
    assert match, f"docs/testing-bots.md lost its `{first_line}` block"
    return match.group(1)


def _standup_bot() -> str:
    found = re.search(
        r"## A working bot in about 30 lines\n\n```python\n(.*?)```",
        (ROOT / "docs" / "bots.md").read_text(),
        re.S,
    )
    assert found, "docs/bots.md lost its example bot"
    return found.group(1)


def test_a_bot_package_tests_itself_with_the_kit(tmp_path: Path) -> None:
    guide = GUIDE.read_text()
    package = tmp_path / "standup-bot"
    (package / "mybots").mkdir(parents=True)
    (package / "tests").mkdir()
    (package / "mybots" / "standup.py").write_text(_standup_bot())
    (package / "pyproject.toml").write_text(_block(guide, "# pyproject.toml"))
    (package / "conftest.py").write_text(_block(guide, "# conftest.py"))
    (package / "tests" / "test_standup.py").write_text(_block(guide, "# tests/test_standup.py"))
    # Nothing of this repository's test set-up: only the installed hub and the package.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUB_", "PYTHONPATH"))}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=package,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 passed" in run.stdout, run.stdout
