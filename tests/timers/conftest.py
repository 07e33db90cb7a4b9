"""Fixtures for hub.timers: a migrated database (SQLite, and PostgreSQL where configured) and a fake clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.db import create_engine
from hub.migrate import upgrade
from hub.timers import timer_table


class FakeClock:
    """A clock that stands still until the test moves it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 2, 0, 30, tzinfo=UTC))  # a Monday, 08:30 in Beijing


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A SQLite file, then a fresh PostgreSQL database (postgres_url skips when none is set)."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path}/t.db"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
async def db_url(database_url: str) -> str:
    """The database with the migrations applied."""
    # "heads": bots may bring their own migration branches, as `hub init` allows.
    await upgrade(database_url, "heads")
    return database_url


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(db_url)
    yield engine
    await engine.dispose()


async def read_timer(engine: AsyncEngine, timer_id: int) -> Any:
    async with engine.connect() as conn:
        return (
            await conn.execute(sa.select(timer_table).where(timer_table.c.id == timer_id))
        ).one()


async def update_timer(engine: AsyncEngine, timer_id: int, **values: Any) -> None:
    async with engine.begin() as conn:
        await conn.execute(
            sa.update(timer_table).where(timer_table.c.id == timer_id).values(**values)
        )
