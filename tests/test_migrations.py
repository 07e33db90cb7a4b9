"""Migrations build the schema from nothing, on SQLite and PostgreSQL, and match the models exactly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import bots.poll.models  # noqa: F401  (the poll bot's own migration branch)
import hub.tables  # noqa: F401  (registers the hub's tables)
from hub.db import create_engine
from hub.migrate import upgrade

EXPECTED_TABLES = {
    "org",
    "department",
    "person",
    "auth_token",
    "login_failure",
    "channel",
    "membership",
    "message",
    "reaction",
    "mention",
    "channel_event",
    "bot",
    "card_action",
    "bot_form",
    "timer",
    "outgoing_webhook",
    "webhook_cursor",
    "webhook_delivery",
    "webhook_attempt",
    "incoming_webhook",
    "poll_poll",
    "poll_vote",
    "alembic_version",
}


def _inspect(connection: Connection) -> tuple[set[str], list[Any]]:
    tables = set(sa.inspect(connection).get_table_names())
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return tables, compare_metadata(context, SQLModel.metadata)


async def migrate_and_inspect(url: str) -> tuple[set[str], list[Any]]:
    await upgrade(url)
    await upgrade(url)  # a second run is a no-op, as `hub init` on every start relies on
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_inspect)
    finally:
        await engine.dispose()


async def test_sqlite_migrates_from_empty(tmp_path: Path) -> None:
    tables, differences = await migrate_and_inspect(f"sqlite+aiosqlite:///{tmp_path}/sub/hub.db")
    assert tables >= EXPECTED_TABLES
    assert differences == [], (
        "the models changed without a migration: run `alembic revision --autogenerate`"
    )


async def test_postgresql_migrates_from_empty(postgres_url: str) -> None:
    # postgres_url (tests/conftest.py) makes a fresh database on HUB_TEST_DATABASE_URL's
    # server and drops it afterwards; without the variable it skips, or fails in CI.
    tables, differences = await migrate_and_inspect(postgres_url)
    assert tables >= EXPECTED_TABLES
    assert differences == [], (
        "the models changed without a migration: run `alembic revision --autogenerate`"
    )
