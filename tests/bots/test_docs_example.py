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
    # Exactly as the guide says: `mybots/standup.py` in the directory the hub is started
    # from, `HUB_BOTS=poll,mybots.standup:bot`, started with the `hub serve` command that
    # ./scripts/serve runs, and no PYTHONPATH.
    assert "put it in `mybots/standup.py`" in DOC.read_text()
    assert "`HUB_BOTS=poll,mybots.standup:bot ./scripts/serve`" in DOC.read_text()
    project = tmp_path / "project"
    (project / "mybots").mkdir(parents=True)
    (project / "mybots" / "standup.py").write_text(code)
    monkeypatch.delenv("PYTHONPATH", raising=False)
    async with running_hub(
        seed.url, tmp_path, bots="poll,mybots.standup:bot", cwd=project, cli=True
    ) as hub:
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
