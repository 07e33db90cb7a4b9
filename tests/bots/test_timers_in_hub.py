"""Bot timers in real hub processes: once with two processes on PostgreSQL; late after a restart."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

from sqlmodel import select

from hub.db import create_engine, create_sessionmaker
from hub.models import utcnow
from hub.timers.models import Timer
from tests.bots.conftest import SAMPLE_BOT, TestBot
from tests.support import HubProcess, count_rows, seed_database, wait_for

BOTS = f"poll,{SAMPLE_BOT}"


async def reminders(testbot: TestBot) -> Counter[str]:
    texts = [m["text"] for m in await testbot.messages()]
    return Counter(text for text in texts if text.startswith("reminder:"))


async def test_each_timer_fires_once_with_two_hub_processes(
    postgres_url: str, tmp_path: Path
) -> None:
    seed = await seed_database(postgres_url)
    hubs = [
        HubProcess(postgres_url, tmp_path, bots=BOTS, timer_poll_seconds=0.05) for _ in range(2)
    ]
    drivers = [TestBot(hub, seed) for hub in hubs]
    try:
        for hub in hubs:
            await hub.wait_ready()
        for i in range(40):
            answer = await drivers[i % 2].command(f"/remind 1.0 r{i:02d}")
            assert answer.status_code == 200, answer.text

        async def all_reminded() -> bool:
            return len(await reminders(drivers[0])) == 40

        async def all_done() -> bool:
            return await count_rows(postgres_url, "timer", "status = 'done'") == 40

        await wait_for(all_reminded)
        # Each timer is marked done just after its handler commits, and a done timer is never
        # claimed again: once all 40 are, any second firing has shown.
        await wait_for(all_done)
        fired = await reminders(drivers[0])
        assert sorted(fired) == [f"reminder: r{i:02d}" for i in range(40)]
        assert set(fired.values()) == {1}, "a timer fired more than once"
        done = "status = 'done' AND fired_count = 1"
        assert await count_rows(postgres_url, "timer", done) == 40
        # Both processes took part (each claims what is due when it sweeps first).
        claimants = await _claimants(postgres_url)
        assert len(claimants) == 2, claimants
    finally:
        for driver in drivers:
            await driver.close()
        for hub in hubs:
            hub.stop()


async def _claimants(url: str) -> set[str]:
    from sqlalchemy import text

    from hub.db import create_engine

    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(text("SELECT DISTINCT claimed_by FROM timer"))
            return {row[0] for row in rows}
    finally:
        await engine.dispose()


async def _due_at(url: str) -> datetime:
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            (timer,) = (await session.exec(select(Timer))).all()
            return timer.due_at
    finally:
        await engine.dispose()


async def test_a_timer_due_while_the_hub_was_down_fires_late_at_start(tmp_path: Path) -> None:
    seed = await seed_database(f"sqlite+aiosqlite:///{tmp_path / 'hub.db'}")
    late_after = timedelta(seconds=0.5)
    settings = {
        "bots": BOTS,
        "timer_poll_seconds": 0.1,
        "timer_late_after_seconds": late_after.total_seconds(),
    }
    first = HubProcess(seed.url, tmp_path, **settings)
    await first.wait_ready()
    driver = TestBot(first, seed)
    assert (await driver.command("/remind 1.0 while-down")).status_code == 200
    await driver.close()
    first.stop()
    assert await count_rows(seed.url, "timer", "status = 'pending'") == 1
    # Nothing runs until the timer is due, and more than late_after past it.
    late_at = await _due_at(seed.url) + late_after
    await wait_for(lambda: utcnow() > late_at + timedelta(seconds=0.2), what="the timer to be late")

    second = HubProcess(seed.url, tmp_path, **settings)
    try:
        await second.wait_ready()
        driver = TestBot(second, seed)
        await wait_for(lambda: reminders(driver), what="the late reminder")
        assert await reminders(driver) == Counter({"reminder: while-down (late)": 1})
        assert await count_rows(seed.url, "timer", "last_late = :late", late=True) == 1
        await driver.close()
    finally:
        second.stop()
