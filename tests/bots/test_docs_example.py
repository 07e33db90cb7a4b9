"""The 30-line bot in docs/bots.md runs, as written, in a real hub."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.bots.conftest import TestBot
from tests.support import Seed, running_hub

DOC = Path(__file__).resolve().parents[2] / "docs" / "bots.md"


def example_code() -> str:
    match = re.search(
        r"## A working bot in about 30 lines\n\n```python\n(.*?)```", DOC.read_text(), re.S
    )
    assert match, "docs/bots.md lost its example bot"
    return match.group(1)


async def test_the_documented_bot_works(
    seed: Seed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = example_code()
    assert len(code.strip().splitlines()) <= 45
    package = tmp_path / "docbots"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "standup.py").write_text(code)
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    async with running_hub(seed.url, tmp_path, bots="poll,docbots.standup:bot") as hub:
        testbot = TestBot(hub, seed)
        try:
            posted = await testbot.command("/standup")
            assert posted.status_code == 200, posted.text
            assert posted.json()["replies"][0]["text"].startswith("Posted.")
            card = posted.json()["messages"][0]
            card = (await testbot.click(card, "done", as_="bob")).json()["message"]
            card = (await testbot.click(card, "done", as_="carol")).json()["message"]
            assert card["card"]["blocks"][0]["text"] == "Done: Bob 李, Carol 陈"
            assert card["card_version"] == 3
        finally:
            await testbot.close()
