"""Shared fixtures: a seeded database and a real hub server process on it."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support import HubProcess, Seed, running_hub, seed_database

# The bot authors' test kit (the `harness` fixture), as a bot package outside the repo uses it.
pytest_plugins = ["hub.testing.plugin"]


def require_service(env_name: str, what: str) -> str:
    """The URL of a service the test needs; skip with a reason, or fail in CI where it must exist."""
    url = os.environ.get(env_name)
    if url:
        return url
    message = f"{what} not configured: set {env_name} to run this test (.ci/run does)"
    if os.environ.get("HUB_TEST_REQUIRE_SERVICES") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database URL, once on SQLite and once on PostgreSQL, for a test to run on both."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'hub.db'}"
    require_service("HUB_TEST_DATABASE_URL", "PostgreSQL")  # skip before making a database
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
async def seed(tmp_path: Path) -> Seed:
    return await seed_database(f"sqlite+aiosqlite:///{tmp_path / 'hub.db'}")


@pytest.fixture
async def hub_server(seed: Seed, tmp_path: Path) -> AsyncIterator[HubProcess]:
    async with running_hub(seed.url, tmp_path) as hub:
        yield hub


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    import uuid

    import asyncpg
    from sqlalchemy.engine import make_url

    base = make_url(require_service("HUB_TEST_DATABASE_URL", "PostgreSQL"))
    name = f"hub_test_{uuid.uuid4().hex[:10]}"
    admin_dsn = base.set(drivername="postgresql").render_as_string(hide_password=False)
    admin = await asyncpg.connect(admin_dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    yield base.set(drivername="postgresql+asyncpg", database=name).render_as_string(
        hide_password=False
    )
    admin = await asyncpg.connect(admin_dsn)
    try:
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            name,
        )
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    finally:
        await admin.close()


@pytest.fixture
async def redis_url() -> str:
    import redis.asyncio as aioredis

    url = require_service("HUB_TEST_REDIS_URL", "Redis")
    client = aioredis.Redis.from_url(url)
    try:
        await client.flushdb()
    finally:
        await client.aclose()
    return url
