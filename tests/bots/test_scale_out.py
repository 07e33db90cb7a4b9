"""A card changed through one hub process is seen in place by a client of another (PostgreSQL + Redis)."""

from __future__ import annotations

from pathlib import Path

from tests.bots.conftest import SAMPLE_BOT, TestBot
from tests.support import HubProcess, seed_database


async def test_card_updates_cross_processes(
    postgres_url: str, redis_url: str, tmp_path: Path
) -> None:
    seed = await seed_database(postgres_url)
    hubs = [
        HubProcess(postgres_url, tmp_path, redis_url=redis_url, bots=f"poll,{SAMPLE_BOT}")
        for _ in range(2)
    ]
    one, other = (TestBot(hub, seed) for hub in hubs)
    try:
        for hub in hubs:
            await hub.wait_ready()
        carol_elsewhere = await other.watch("carol")
        poll = (await one.command('/poll "Team dinner?" Yes No', as_="bob")).json()["messages"][0]
        voted = await one.click(poll, "vote_0", as_="bob")
        assert voted.status_code == 200
        seen = await carol_elsewhere.expect("card.updated")
        assert seen["message"]["id"] == poll["id"] and seen["message"]["card_version"] == 2
        # And a stale click on the other process is refused there.
        stale = await other.click(poll, "vote_1", as_="carol")
        assert stale.status_code == 409
    finally:
        for driver in (one, other):
            await driver.close()
        for hub in hubs:
            hub.stop()
