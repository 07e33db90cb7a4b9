"""A bot installed the way pip installs it (a dist-info with a `hub.bots` entry point) runs
with no change to the hub: `hub init` applies its own migration branch, settings enable it,
and it keeps its data in its own table."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.bots.conftest import TestBot
from tests.support import SECRET, Seed, count_rows, running_hub

SITE = Path(__file__).resolve().parent / "thirdparty" / "site"


def hub_command(seed: Seed, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env.update(
        PYTHONPATH=str(SITE),
        HUB_DATABASE_URL=seed.url,
        HUB_SECRET_KEY=SECRET,
        HUB_DATA_DIR=str(tmp_path),
        HUB_CONFIG=str(tmp_path / "none.toml"),
    )
    return subprocess.run(
        # The `hub` command pip put next to this Python, as an operator runs it.
        [str(Path(sys.executable).with_name("hub")), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


async def test_a_pip_installed_bot_runs_without_changing_the_hub(
    seed: Seed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before `hub init`, the hub refuses to run on a schema missing the new bot's tables.
    behind = hub_command(seed, tmp_path, "bot", "list")
    assert behind.returncode == 1 and "hub init" in behind.stderr, behind.stderr
    done = hub_command(seed, tmp_path, "init", "--no-admin")
    assert done.returncode == 0, done.stderr
    assert await count_rows(seed.url, "kudos_given") == 0

    monkeypatch.setenv("PYTHONPATH", str(SITE))  # what pip install would have done
    async with running_hub(seed.url, tmp_path, bots="poll,kudos") as hub:
        testbot = TestBot(hub, seed)
        try:
            listed = (await (await testbot.as_("bob")).get("/api/v1/commands")).json()
            assert "kudos" in {c["name"] for c in listed["commands"]}
            first = await testbot.command("/kudos @carol for the demo", as_="bob")
            assert first.status_code == 200, first.text
            assert first.json()["messages"][0]["text"] == "🎉 Carol 陈 got kudos (1 so far)"
            again = await testbot.command("/kudos @carol for the docs", as_="alice")
            assert again.json()["messages"][0]["text"].endswith("(2 so far)")
            usage = await testbot.command("/kudos carol", as_="bob")
            assert usage.status_code == 400 and "Usage" in usage.json()["error"]["message"]
        finally:
            await testbot.close()
    assert await count_rows(seed.url, "kudos_given") == 2
