"""Two hub processes on one database: every due timer fires exactly once between them."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import sqlalchemy as sa

from hub.db import create_engine
from hub.timers import DueTimer, FireTimer, TimerService, schedule_timer, timer_table
from tests.timers.conftest import FakeClock

TIMERS = 200
ROUNDS = 4


async def test_two_services_fire_each_timer_exactly_once(db_url: str, clock: FakeClock) -> None:
    # Separate engines, so separate connection pools: as concurrent as two processes.
    engines = [create_engine(db_url), create_engine(db_url)]
    fires: Counter[int] = Counter()
    by_process: Counter[str] = Counter()

    def recorder(process_id: str) -> FireTimer:
        async def fire(timer: DueTimer) -> None:
            await asyncio.sleep(0)  # let the other service interleave
            fires[timer.id] += 1
            by_process[process_id] += 1

        return fire

    services = [
        TimerService(engine, recorder(f"hub-{n}"), process_id=f"hub-{n}", clock=clock)
        for n, engine in enumerate(engines)
    ]
    try:
        async with engines[0].begin() as conn:
            ids = [
                await schedule_timer(
                    conn,
                    bot="load",
                    handler="tick",
                    # Due across the rounds, so later rounds find newly due timers too.
                    at=clock() + timedelta(minutes=n % ROUNDS),
                    key=f"t{n}" if n % 2 else None,
                    payload={"n": n},
                    now=clock(),
                )
                for n in range(TIMERS)
            ]
        fired_per_round = []
        for _ in range(ROUNDS):
            # Each process sweeps twice at once too (a poll overlapping a wake_at).
            counts = await asyncio.gather(*(service.sweep() for service in services * 2))
            fired_per_round.append(sum(counts))
            clock.advance(minutes=1)
        assert fired_per_round == [TIMERS // ROUNDS] * ROUNDS
        assert sorted(fires) == sorted(ids)
        assert set(fires.values()) == {1}, [id_ for id_, count in fires.items() if count != 1]
        assert sum(by_process.values()) == TIMERS
        async with engines[0].connect() as conn:
            rows = (
                await conn.execute(
                    sa.select(
                        timer_table.c.status, timer_table.c.fired_count, sa.func.count()
                    ).group_by(timer_table.c.status, timer_table.c.fired_count)
                )
            ).all()
        assert [tuple(row) for row in rows] == [("done", 1, TIMERS)]
    finally:
        for engine in engines:
            await engine.dispose()
