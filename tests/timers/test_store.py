"""schedule_timer / cancel_timer: in the caller's transaction, keyed replace, clear refusals, migration."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

from hub.errors import ErrorCode, HubError
from hub.migrate import alembic_config
from hub.timers import cancel_timer, schedule_timer, timer_table
from tests.timers.conftest import FakeClock, read_timer, update_timer


async def test_schedule_one_shot_stores_utc_and_pending(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    at = datetime(2026, 3, 2, 17, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    async with engine.begin() as conn:
        timer_id = await schedule_timer(
            conn, bot="leave", handler="remind", at=at, payload={"request": 7}, now=clock()
        )
    row = await read_timer(engine, timer_id)
    assert row.due_at == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert row.status == "pending"
    assert row.payload == {"request": 7}
    assert (row.cron, row.time_zone, row.fired_count, row.key) == (None, "Asia/Shanghai", 0, None)


async def test_schedule_cron_sets_first_due_in_its_zone(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    async with engine.begin() as conn:
        timer_id = await schedule_timer(
            conn, bot="digest", handler="send", cron="0 9 * * 1-5", now=clock()
        )
    row = await read_timer(engine, timer_id)
    # clock: Monday 08:30 Beijing, so the first fire is 09:00 Beijing the same day.
    assert row.due_at == datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    assert row.cron == "0 9 * * 1-5"


async def test_schedule_rolls_back_with_the_callers_transaction(engine: AsyncEngine) -> None:
    with pytest.raises(RuntimeError):
        async with engine.begin() as conn:
            await schedule_timer(conn, bot="b", handler="h", at=datetime.now(UTC))
            raise RuntimeError("the bot's other write failed")
    async with engine.connect() as conn:
        assert (
            await conn.execute(sa.select(sa.func.count()).select_from(timer_table))
        ).scalar() == 0


async def test_same_key_replaces_the_schedule(engine: AsyncEngine, clock: FakeClock) -> None:
    async with engine.begin() as conn:
        first = await schedule_timer(
            conn, bot="leave", handler="remind", key="approval:7", at=clock() + timedelta(hours=24)
        )
        other_bot = await schedule_timer(
            conn, bot="tasks", handler="remind", key="approval:7", at=clock() + timedelta(hours=1)
        )
    await update_timer(engine, first, status="done", fired_count=1)
    async with engine.begin() as conn:
        again = await schedule_timer(
            conn,
            bot="leave",
            handler="escalate",
            key="approval:7",
            cron="0 9 * * *",
            payload={"level": 2},
            now=clock(),
        )
    assert again == first and other_bot != first
    row = await read_timer(engine, first)
    assert (row.handler, row.cron, row.payload, row.status) == (
        "escalate",
        "0 9 * * *",
        {"level": 2},
        "pending",
    )
    assert row.due_at == datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    assert row.fired_count == 1  # the history stays
    async with engine.connect() as conn:
        assert (
            await conn.execute(sa.select(sa.func.count()).select_from(timer_table))
        ).scalar() == 2


async def test_unkeyed_timers_do_not_collide(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        ids = {
            await schedule_timer(conn, bot="b", handler="h", at=datetime.now(UTC)) for _ in range(3)
        }
    assert len(ids) == 3


async def test_cancel_by_key_and_by_id(engine: AsyncEngine, clock: FakeClock) -> None:
    later = clock() + timedelta(hours=1)
    async with engine.begin() as conn:
        keyed = await schedule_timer(conn, bot="leave", handler="h", key="k", at=later)
        plain = await schedule_timer(conn, bot="leave", handler="h", at=later)
    async with engine.begin() as conn:
        assert await cancel_timer(conn, bot="other", key="k") is False  # only the bot's own
        assert await cancel_timer(conn, bot="other", timer_id=plain) is False
        assert await cancel_timer(conn, bot="leave", key="k") is True
        assert await cancel_timer(conn, bot="leave", timer_id=plain) is True
        assert await cancel_timer(conn, bot="leave", key="k") is False  # already cancelled
        assert await cancel_timer(conn, bot="leave", key="missing") is False
    assert (await read_timer(engine, keyed)).status == "cancelled"
    assert (await read_timer(engine, plain)).status == "cancelled"


async def test_done_timer_cannot_be_cancelled(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        timer_id = await schedule_timer(conn, bot="b", handler="h", key="k", at=datetime.now(UTC))
    await update_timer(engine, timer_id, status="done")
    async with engine.begin() as conn:
        assert await cancel_timer(conn, bot="b", key="k") is False
    assert (await read_timer(engine, timer_id)).status == "done"


async def test_misuse_is_refused_with_what_to_do(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        with pytest.raises(ValueError, match="naive datetime: pass an aware datetime"):
            await schedule_timer(conn, bot="b", handler="h", at=datetime(2026, 3, 2, 9, 0))
        with pytest.raises(ValueError, match="exactly one of at= .* or cron="):
            await schedule_timer(conn, bot="b", handler="h")
        with pytest.raises(ValueError, match="exactly one of at= .* or cron="):
            await schedule_timer(conn, bot="b", handler="h", at=datetime.now(UTC), cron="0 9 * * *")
        with pytest.raises(ValueError, match="exactly one of key= or timer_id="):
            await cancel_timer(conn, bot="b")
        with pytest.raises(ValueError, match=r"key=\.\.\.\) must be 1 to 200 characters"):
            await schedule_timer(conn, bot="b", handler="h", key="k" * 201, at=datetime.now(UTC))
        with pytest.raises(HubError) as caught:
            await schedule_timer(conn, bot="b", handler="h", cron="every day at nine")
        assert caught.value.code == ErrorCode.validation_failed
        assert "Invalid cron expression 'every day at nine'" in caught.value.message
        with pytest.raises(HubError, match="Unknown time zone"):
            await schedule_timer(conn, bot="b", handler="h", cron="0 9 * * *", time_zone="Beijing")


def _timer_differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    # Only this package's table: other tables belong to other migrations.
    return [diff for diff in compare_metadata(context, SQLModel.metadata) if "timer" in repr(diff)]


def _downgrade(connection: Connection, url: str) -> list[str]:
    config = alembic_config(url)
    config.attributes["connection"] = connection
    command.downgrade(config, "0001")
    return sa.inspect(connection).get_table_names()


async def test_migration_matches_the_model_and_downgrades(db_url: str, engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        assert await conn.run_sync(_timer_differences) == []
        indexes = await conn.run_sync(lambda c: sa.inspect(c).get_indexes("timer"))
        assert {index["name"] for index in indexes} >= {"ix_timer_status_due_at"}
    async with engine.begin() as conn:
        tables = await conn.run_sync(_downgrade, db_url)
    assert "timer" not in tables and "message" in tables
