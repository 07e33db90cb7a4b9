"""hub.demo: the demo company is made once, and its channels keep a gap-free log."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.auth.passwords import verify_password
from hub.cli import main
from hub.config import get_settings
from hub.db import create_engine
from hub.demo import DEMO_PASSWORD, PEOPLE, run_demo
from hub.migrate import upgrade


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    url = f"sqlite+aiosqlite:///{tmp_path}/hub.db"
    await upgrade(url)
    engine = create_engine(url)
    yield engine
    await engine.dispose()


async def counts(engine: AsyncEngine) -> dict[str, int]:
    tables = ("org", "department", "person", "channel", "membership", "message", "channel_event")
    async with engine.connect() as conn:
        return {
            t: (await conn.execute(sa.text(f"SELECT count(*) FROM {t}"))).scalar_one()
            for t in tables
        }


async def test_demo_twice_adds_nothing_the_second_time(engine: AsyncEngine) -> None:
    first = await run_demo(engine)
    after_first = await counts(engine)
    second = await run_demo(engine)

    assert len(first.created_people) == len(PEOPLE) + 1  # staff and the partner's guest
    assert first.messages_sent > 0
    assert (
        second.created_people == [] and second.created_channels == [] and second.messages_sent == 0
    )
    assert await counts(engine) == after_first
    assert after_first["org"] == 2 and after_first["channel"] == 5


async def test_channel_logs_are_gap_free_and_hold_every_membership(engine: AsyncEngine) -> None:
    await run_demo(engine)
    await run_demo(engine)
    await assert_logs_complete(engine)


async def test_demo_on_postgresql(postgres_url: str) -> None:
    # postgres_url (tests/conftest.py): a fresh database on HUB_TEST_DATABASE_URL's server.
    await upgrade(postgres_url)
    engine = create_engine(postgres_url)
    try:
        await run_demo(engine)
        after_first = await counts(engine)
        await run_demo(engine)
        assert await counts(engine) == after_first
        await assert_logs_complete(engine)
    finally:
        await engine.dispose()


async def assert_logs_complete(engine: AsyncEngine) -> None:
    """Every channel's events are seq 1..last_seq, with one event per membership and message."""
    async with engine.connect() as conn:
        channels = (await conn.execute(sa.text("SELECT id, last_seq FROM channel"))).all()
        for channel_id, last_seq in channels:
            seqs = (
                (
                    await conn.execute(
                        sa.text("SELECT seq FROM channel_event WHERE channel_id = :c ORDER BY seq"),
                        {"c": channel_id},
                    )
                )
                .scalars()
                .all()
            )
            assert list(seqs) == list(range(1, last_seq + 1)), f"channel {channel_id} log has gaps"
            by_type = dict(
                (
                    await conn.execute(
                        sa.text(
                            "SELECT type, count(*) FROM channel_event WHERE channel_id = :c GROUP BY type"
                        ),
                        {"c": channel_id},
                    )
                ).all()
            )
            members = (
                await conn.execute(
                    sa.text("SELECT count(*) FROM membership WHERE channel_id = :c"),
                    {"c": channel_id},
                )
            ).scalar_one()
            messages = (
                await conn.execute(
                    sa.text("SELECT count(*) FROM message WHERE channel_id = :c"), {"c": channel_id}
                )
            ).scalar_one()
            assert by_type.get("member.joined", 0) == members
            assert by_type.get("message.new", 0) == messages


async def test_shared_channel_has_staff_and_the_guest(engine: AsyncEngine) -> None:
    await run_demo(engine)
    async with engine.connect() as conn:
        rows = (
            await conn.execute(
                sa.text(
                    "SELECT p.kind, o.kind FROM channel c JOIN membership m ON m.channel_id = c.id "
                    "JOIN person p ON p.id = m.person_id JOIN org o ON o.id = p.org_id WHERE c.shared"
                )
            )
        ).all()
        guest_channels = (
            await conn.execute(
                sa.text(
                    "SELECT count(*) FROM membership m JOIN person p ON p.id = m.person_id WHERE p.kind = 'guest'"
                )
            )
        ).scalar_one()
        admin_hash = (
            await conn.execute(sa.text("SELECT password_hash FROM person WHERE username = 'admin'"))
        ).scalar_one()
    assert ("guest", "partner") in rows and ("member", "home") in rows
    assert guest_channels == 1  # the guest sees the shared channel and nothing else
    assert verify_password(admin_hash, DEMO_PASSWORD)


def test_cli_demo_on_a_fresh_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUB_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/fresh/hub.db")
    monkeypatch.setenv("HUB_DATA_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(main, ["demo"])
        assert result.exit_code == 0, result.output
        assert "applying migrations" in result.output
        assert f"admin / {DEMO_PASSWORD}" in result.output
        again = CliRunner().invoke(main, ["demo"])
        assert again.exit_code == 0 and "already set up" in again.output
    finally:
        get_settings.cache_clear()
