"""Apply Alembic migrations programmatically (`hub init`, `scripts/serve`, tests)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.db import create_engine, normalise_url

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(url: str, *, extra_locations: Sequence[Path] = ()) -> Config:
    """The hub's migrations plus each installed bot's own branch (a bot declares its folder
    as `migrations` in its manifest); `extra_locations` adds a bot still in development."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", normalise_url(url))
    locations = [MIGRATIONS_DIR / "versions"] + bot_migration_dirs()
    locations += [p for p in extra_locations if p.resolve() not in {q.resolve() for q in locations}]
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", os.pathsep.join(str(p) for p in locations))
    return config


def bot_migration_dirs() -> list[Path]:
    from hub.bots.registry import installed_bots

    dirs = []
    for bot in installed_bots().values():
        if bot.migrations is not None:
            versions = bot.migrations / "versions"
            if not versions.is_dir():
                raise RuntimeError(
                    f"Bot {bot.name!r} names migrations at {bot.migrations}, but it has no "
                    "versions/ folder there."
                )
            dirs.append(versions)
    return dirs


async def upgrade(
    url: str, revision: str = "heads", *, extra_locations: Sequence[Path] = ()
) -> None:
    engine: AsyncEngine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_upgrade_on, url, revision, extra_locations)
    finally:
        await engine.dispose()


def _upgrade_on(
    connection: object, url: str, revision: str, extra_locations: Sequence[Path]
) -> None:
    config = alembic_config(url, extra_locations=extra_locations)
    config.attributes["connection"] = connection
    command.upgrade(config, revision)
