"""What every `hub` command shares: settings, running async work, a migrated database.

Expected failures become one line saying what to do next (exit 1); tracebacks are for bugs.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from typing import Any, Literal, TypeVar

import click
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from pydantic import ValidationError
from redis.exceptions import RedisError
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession

from hub.broker import create_broker
from hub.config import Settings, get_settings
from hub.db import create_engine, create_sessionmaker, normalise_url
from hub.errors import HubError
from hub.fanout.topics import end_sessions_messages
from hub.migrate import alembic_config, upgrade

T = TypeVar("T")
SchemaState = Literal["empty", "current", "behind", "unknown"]


def run(work: Coroutine[Any, Any, T]) -> T:
    """Run one command's async work; expected errors become a one-line message and exit 1."""
    try:
        return asyncio.run(work)
    except HubError as error:
        raise click.ClickException(error.message) from None
    except BrokenPipeError:
        raise SystemExit(0) from None  # output piped into `head` and the like
    except (SQLAlchemyError, OSError) as error:
        url = shown_url(get_settings().database_url)
        first_line = (
            str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        )
        raise click.ClickException(
            f"The database at {url} failed: {first_line}. Check that it is running and HUB_DATABASE_URL is right."
        ) from None


def load_settings() -> Settings:
    try:
        return get_settings()
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
        )
        raise click.ClickException(
            f"The settings are invalid ({problems}). Fix config/hub.toml or the HUB_* variables; "
            "config/hub.example.toml lists them."
        ) from None


def shown_url(url: str) -> str:
    return make_url(normalise_url(url)).render_as_string(hide_password=True)


def is_interactive() -> bool:
    return sys.stdin.isatty()


def _schema_state_on(connection: Connection, url: str) -> SchemaState:
    # Several heads: the hub's own line of migrations and one branch per installed bot.
    current = set(MigrationContext.configure(connection).get_current_heads())
    if not current:
        return "empty"
    script = ScriptDirectory.from_config(alembic_config(url))
    if current == set(script.get_heads()):
        return "current"
    known = {rev.revision for rev in script.walk_revisions()}
    return "behind" if current <= known else "unknown"


async def schema_state(url: str) -> SchemaState:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_schema_state_on, url)
    finally:
        await engine.dispose()


async def preparedatabase(url: str) -> None:
    """Migrate an empty database; refuse to work on one at an older or unknown schema."""
    state = await schema_state(url)
    if state == "empty":
        click.echo(f"Database {shown_url(url)} is empty: applying migrations…")
        await upgrade(url)
        click.echo("Migrations applied.")
    elif state == "behind":
        raise click.ClickException(
            "The database schema is older than this hub: run `hub init` to migrate it."
        )
    elif state == "unknown":
        raise click.ClickException(
            "The database was migrated by a newer version of the hub: upgrade this installation first."
        )


@asynccontextmanager
async def database(settings: Settings) -> AsyncIterator[AsyncEngine]:
    await preparedatabase(settings.database_url)
    engine = create_engine(settings.database_url)
    try:
        yield engine
    finally:
        await engine.dispose()


@asynccontextmanager
async def session_for(settings: Settings) -> AsyncIterator[AsyncSession]:
    async with database(settings) as engine, create_sessionmaker(engine)() as session:
        yield session


async def end_sessions_everywhere(
    settings: Settings, person_ids: list[int], code: int, reason: str
) -> bool:
    """Close these people's open WebSockets on every hub process at once, through Redis.

    The CLI is a process of its own: only the broker reaches the running hubs. Returns
    False when it could not (no Redis configured, or Redis unreachable); each hub then
    closes a deactivated person's sockets within `account_check_seconds` (docs/operations.md).
    """
    if not person_ids:
        return True
    if not settings.redis_url:
        return False
    broker = create_broker(settings.redis_url)
    try:
        await broker.publish(end_sessions_messages(person_ids, code, reason))
    except (RedisError, OSError) as error:
        click.echo(f"warning: could not reach Redis to close open connections: {error}", err=True)
        return False
    finally:
        await broker.close()
    return True
