"""`hub bot makemigration`: write an Alembic migration for a bot's own tables.

A bot's tables live on its own migration branch (labelled with its name, starting from the
hub's first tables), in the folder its manifest names as `migrations`. This upgrades a
scratch SQLite database to every head, then lets Alembic compare the bot's models with it,
looking only at the bot's tables (named `<bot>_...`), so the hub's tables and other bots'
never leak into the bot's migration. See docs/bots.md ("Its own tables").
"""

from __future__ import annotations

import asyncio
import re
import tempfile
from pathlib import Path
from typing import Any

from alembic import command

from hub.botkit import Bot
from hub.migrate import alembic_config, upgrade


class MigrationError(Exception):
    """A mistake in how the bot is set up for migrations; the message says what to do."""


def make_bot_migration(bot: Bot, message: str) -> Path:
    """Write the bot's next migration from its models; return its path."""
    if bot.migrations is None:
        raise MigrationError(
            f'Bot {bot.name!r} has no migrations folder: add `migrations = "migrations"` to its'
            " manifest (next to the bot's module) and run this again."
        )
    versions = bot.migrations / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    pattern = re.compile(rf"^{re.escape(bot.name)}_(\d{{4}})_")
    numbers = [int(m.group(1)) for p in versions.glob("*.py") if (m := pattern.match(p.name))]
    rev_id = f"{bot.name}_{max(numbers, default=0) + 1:04d}"
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite+aiosqlite:///{scratch}/makemigration.db"
        asyncio.run(upgrade(url, extra_locations=[versions]))
        config = alembic_config(url, extra_locations=[versions])
        config.attributes["include_object"] = _only_tables_of(bot.name)
        first = not numbers
        script = command.revision(
            config,
            message=message,
            autogenerate=True,
            rev_id=rev_id,
            version_path=str(versions),
            head="base" if first else f"{bot.name}@head",
            branch_label=bot.name if first else None,
            depends_on="0001" if first else None,
        )
    if script is None or isinstance(script, list):
        raise MigrationError("Alembic wrote no single migration; run `hub init` and retry.")
    path = Path(script.path)
    text = path.read_text(encoding="utf-8")
    # A bot imports nothing of the hub but hub.botkit, its migrations included.
    path.write_text(text.replace("hub.models", "hub.botkit"), encoding="utf-8")
    if "op." not in text:
        path.unlink()
        raise MigrationError(
            f"Bot {bot.name!r}'s tables already match its migrations: nothing to write."
            f" Its tables must be named {bot.name}_... to be seen."
        )
    return path


def _only_tables_of(bot_name: str) -> Any:
    prefix = f"{bot_name}_"

    def include(obj: Any, name: str | None, kind: str, reflected: bool, compare_to: Any) -> bool:
        table = obj if kind == "table" else getattr(obj, "table", None)
        table_name = name if kind == "table" else getattr(table, "name", "")
        return bool(table_name and table_name.startswith(prefix))

    return include
