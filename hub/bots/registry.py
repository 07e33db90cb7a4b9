"""Finding bots (the `hub.bots` entry-point group) and giving each its bot user.

A bot package declares `[project.entry-points."hub.bots"] name = "package.module:bot"`;
settings choose which installed bots run (`bots = ["poll"]`). The hub imports no bot by
name, so a third-party bot installs with pip and needs no change here.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any

from sqlalchemy.exc import IntegrityError

from hub.botkit.bot import Bot, localized
from hub.config import Settings
from hub.db import SessionMaker
from hub.models import Bot as BotRow
from hub.models import Person
from hub.people import ensure_home_org, find_person

log = logging.getLogger(__name__)
ENTRY_POINT_GROUP = "hub.bots"


@dataclass
class LoadedBot:
    bot: Bot
    person: Person
    settings: dict[str, Any]

    @property
    def person_id(self) -> int:
        assert self.person.id is not None
        return self.person.id


def installed_bots() -> dict[str, Bot]:
    """Every bot installed in this environment, by entry-point name."""
    found: dict[str, Bot] = {}
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        try:
            bot = entry.load()
        except Exception as error:
            raise RuntimeError(
                f"Bot {entry.name!r} ({entry.value}) failed to import: {error}. "
                "Fix or uninstall that package."
            ) from error
        if not isinstance(bot, Bot):
            raise RuntimeError(
                f"Entry point {entry.name!r} = {entry.value} is a {type(bot).__name__}, "
                "not a hub.botkit.Bot; point it at the module's `bot` object."
            )
        found[entry.name] = bot
    return found


def _import_bot(path: str) -> Bot:
    """A bot named by import path, "package.module:attribute": for developing a bot before
    it is packaged, and for the hub's own tests."""
    module_name, _, attribute = path.partition(":")
    # Like `python -m` and uvicorn's --app-dir: a bot in the directory the hub was started
    # from imports without PYTHONPATH (docs/bots.md's `mybots/standup.py`). The `hub`
    # console script alone would not look there.
    here = os.getcwd()
    if here not in sys.path:
        sys.path.insert(0, here)
    try:
        bot = getattr(importlib.import_module(module_name), attribute or "bot")
    except (ImportError, AttributeError) as error:
        raise RuntimeError(f"Cannot load bot {path!r}: {error}.") from error
    if not isinstance(bot, Bot):
        raise RuntimeError(f"{path} is a {type(bot).__name__}, not a hub.botkit.Bot.")
    return bot


def find_bot(name: str) -> Bot:
    """An installed bot by name, or a bot by import path ("mybots.standup:bot")."""
    if ":" in name:
        return _import_bot(name)
    installed = installed_bots()
    if name not in installed:
        known = ", ".join(sorted(installed)) or "none"
        raise RuntimeError(
            f"No installed bot {name!r} (installed: {known}); give an import path like"
            " mybots.standup:bot for a bot not yet packaged."
        )
    return installed[name]


def enabled_bots(settings: Settings) -> list[Bot]:
    installed = installed_bots()
    chosen = []
    for name in settings.bots:
        if ":" in name:
            chosen.append(_import_bot(name))
            continue
        if name not in installed:
            raise RuntimeError(
                f"Bot {name!r} is enabled in settings but not installed "
                f"(installed: {', '.join(sorted(installed)) or 'none'}). "
                "pip install its package, or remove it from HUB_BOTS / `bots`."
            )
        chosen.append(installed[name])
    commands: dict[str, str] = {}
    for bot in chosen:
        for command in bot.commands:
            if command in commands:
                raise RuntimeError(
                    f"/{command} is claimed by both {commands[command]!r} and {bot.name!r}; "
                    "disable one of them."
                )
            commands[command] = bot.name
    return chosen


async def ensure_bot_users(
    sessions: SessionMaker, bots: list[Bot], settings: Settings
) -> list[LoadedBot]:
    """Make or refresh each bot's user (kind "bot"); safe when several processes start at once."""
    loaded = []
    for bot in bots:
        for attempt in range(3):
            try:
                person = await _ensure_one(sessions, bot)
                break
            except IntegrityError:
                if attempt == 2:
                    raise
                log.info("bot user %s was created concurrently; reading it again", bot.name)
        merged = {**bot.settings, **settings.bot_settings.get(bot.name, {})}
        loaded.append(LoadedBot(bot=bot, person=person, settings=merged))
    return loaded


async def _ensure_one(sessions: SessionMaker, bot: Bot) -> Person:
    async with sessions() as session:
        person = await find_person(session, bot.name)
        if person is not None and person.kind != "bot":
            raise RuntimeError(
                f"The username {bot.name!r} belongs to a person, not a bot; rename that person "
                "or the bot before enabling it."
            )
        if person is None:
            # A hub started before `hub init --org-name` still gets its bots, under "Hub".
            org = await ensure_home_org(session, "Hub")
            person = Person(org_id=org.id or 0, username=bot.name, display_name="", kind="bot")
        person.display_name = localized(bot.display_name, "zh-CN")[:200]
        person.name_en = localized(bot.display_name, "en")[:200]
        person.title = localized(bot.description, "en")[:200] or None
        session.add(person)
        await session.flush()
        row = await session.get(BotRow, person.id)
        if row is None:
            row = BotRow(person_id=person.id or 0, name=bot.name, kind="plugin")
        row.description = localized(bot.description, "en")[:500]
        row.avatar = bot.avatar
        session.add(row)
        await session.commit()
        await session.refresh(person)
        return person
