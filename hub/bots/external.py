"""External bots: a bot user that acts through the HTTP API with a bot token (docs/bots.md).

Registered by an admin (API or `hub bot create`); its tokens come from hub.auth.bot_tokens.
"""

from __future__ import annotations

import re

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from hub.errors import ErrorCode, HubError
from hub.models import Bot, Person
from hub.people import add_person

BOT_USERNAME = re.compile(r"^[a-z][a-z0-9_-]{1,39}$")


async def register_external_bot(
    session: AsyncSession,
    *,
    name: str,
    display_name: str,
    description: str = "",
    avatar: str | None = None,
    created_by: int | None = None,
) -> tuple[Bot, Person]:
    if not BOT_USERNAME.match(name):
        raise HubError(
            ErrorCode.validation_failed,
            "`name`: 2-40 lowercase letters, digits, - or _, starting with a letter.",
        )
    # The person row is made the way every person is (checks, home org, unique username).
    person = await add_person(
        session, username=name, display_name=display_name, kind="bot", title=description or None
    )
    row = Bot(
        person_id=person.id or 0,
        name=name,
        kind="external",
        description=description,
        avatar=avatar,
        created_by=created_by,
    )
    session.add(row)
    await session.commit()
    await session.refresh(person)
    return row, person


async def find_bot(session: AsyncSession, name: str) -> tuple[Bot, Person]:
    found = (
        await session.exec(
            select(Bot, Person)
            .join(Person, col(Person.id) == col(Bot.person_id))
            .where(Bot.name == name)
        )
    ).first()
    if found is None:
        raise HubError(ErrorCode.not_found, f"No bot {name!r}; `hub bot list` shows them.")
    return found
