"""Bot tokens: long-lived bearer tokens for an out-of-process bot, made by an admin.

A token is shown once when made; the database keeps only its keyed hash (hub.auth.tokens).
Its id, the first 16 characters of that hash, names it in lists and revocation without
revealing it. Used by the API (hub.api.bot_routes) and the CLI (`hub bot token`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from hub.auth.tokens import token_hash
from hub.errors import ErrorCode, HubError
from hub.models import AuthToken, Person, auth_token_table, utcnow

TOKEN_PREFIX = "hubbot_"
TOKEN_ID_LENGTH = 16
# Bot tokens live until revoked; the column wants a date, so: far away.
NEVER = timedelta(days=365 * 100)


@dataclass(frozen=True)
class BotTokenInfo:
    token_id: str
    bot_id: int
    created_at: datetime
    revoked_at: datetime | None


async def bot_person(session: AsyncSession, bot_id: int) -> Person:
    person = await session.get(Person, bot_id)
    if person is None or person.kind != "bot":
        raise HubError(ErrorCode.not_found, f"No bot {bot_id}; list bots with GET /api/v1/bots.")
    return person


async def create_bot_token(session: AsyncSession, secret: bytes, bot_id: int) -> tuple[str, str]:
    """Make a token for bot `bot_id`; returns (token, token_id). The token is not kept."""
    await bot_person(session, bot_id)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    digest = token_hash(secret, token)
    now = utcnow()
    session.add(
        AuthToken(
            token_hash=digest, person_id=bot_id, kind="bot", created_at=now, expires_at=now + NEVER
        )
    )
    await session.commit()
    return token, digest[:TOKEN_ID_LENGTH]


async def list_bot_tokens(session: AsyncSession, bot_id: int) -> list[BotTokenInfo]:
    rows = await session.exec(
        select(AuthToken)
        .where(AuthToken.person_id == bot_id, AuthToken.kind == "bot")
        .order_by(col(AuthToken.created_at))
    )
    return [
        BotTokenInfo(row.token_hash[:TOKEN_ID_LENGTH], bot_id, row.created_at, row.revoked_at)
        for row in rows
    ]


async def revoke_bot_token(session: AsyncSession, bot_id: int, token_id: str) -> None:
    table = auth_token_table
    if len(token_id) != TOKEN_ID_LENGTH:
        raise HubError(
            ErrorCode.validation_failed, f"A token id is {TOKEN_ID_LENGTH} characters long."
        )
    result = await (await session.connection()).execute(
        sa.update(table)
        .where(
            table.c.person_id == bot_id,
            table.c.kind == "bot",
            table.c.token_hash.startswith(token_id, autoescape=True),
            table.c.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow())
    )
    if result.rowcount == 0:
        raise HubError(
            ErrorCode.not_found, f"Bot {bot_id} has no live token {token_id} (already revoked?)."
        )
    await session.commit()
