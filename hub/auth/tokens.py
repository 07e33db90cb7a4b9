"""Session cookies, bearer tokens and single-use WebSocket tickets.

The token itself goes to the client once; the database keeps only an HMAC of it under
the hub's secret key, so a copy of the database cannot be used to sign in.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

import sqlalchemy as sa
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from hub.models import AuthToken, Person, auth_token_table, utcnow

TokenKind = Literal["session", "bearer", "ws_ticket", "bot"]
SESSION_COOKIE = "hub_session"


def token_hash(secret: bytes, token: str) -> str:
    return hmac.new(secret, token.encode(), hashlib.sha256).hexdigest()


async def issue_token(
    session: AsyncSession,
    secret: bytes,
    person_id: int,
    kind: TokenKind,
    ttl: timedelta,
    *,
    parent_hash: str | None = None,
) -> str:
    """A new token; `parent_hash` names the session a WebSocket ticket is issued for."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        AuthToken(
            token_hash=token_hash(secret, token),
            person_id=person_id,
            kind=kind,
            created_at=now,
            expires_at=now + ttl,
            parent_hash=parent_hash,
        )
    )
    await session.commit()
    return token


async def resolve_token(
    session: AsyncSession, secret: bytes, token: str, kinds: tuple[TokenKind, ...]
) -> Person | None:
    """The active person behind a live token of one of `kinds`, or None."""
    stmt = (
        select(Person)
        .join(AuthToken, AuthToken.person_id == Person.id)  # type: ignore[arg-type]
        .where(
            AuthToken.token_hash == token_hash(secret, token),
            AuthToken.kind.in_(kinds),  # type: ignore[attr-defined]
            AuthToken.revoked_at.is_(None),  # type: ignore[union-attr]
            AuthToken.expires_at > utcnow(),
            Person.active.is_(True),  # type: ignore[attr-defined]
        )
    )
    return (await session.exec(stmt)).first()


@dataclass(frozen=True)
class RedeemedTicket:
    person_id: int
    session_hash: (
        str | None
    )  # the session that asked for the ticket (None: issued by the CLI or a test)


async def redeem_ticket(session: AsyncSession, secret: bytes, ticket: str) -> RedeemedTicket | None:
    """Use a WebSocket ticket once: the UPDATE claims it atomically, even across processes."""
    now = utcnow()
    table = auth_token_table
    # Core statements go through the session's connection (same transaction, committed below):
    # SQLModel's AsyncSession.execute is deprecated and warns on every call.
    result = await (await session.connection()).execute(
        sa.update(table)
        .where(
            table.c.token_hash == token_hash(secret, ticket),
            table.c.kind == "ws_ticket",
            table.c.revoked_at.is_(None),
            table.c.expires_at > now,
        )
        .values(revoked_at=now)
        .returning(table.c.person_id, table.c.parent_hash)
    )
    row = result.first()
    await session.commit()
    return RedeemedTicket(row.person_id, row.parent_hash) if row is not None else None


async def revoke_token(session: AsyncSession, secret: bytes, token: str) -> int | None:
    """End one session or bearer token; the person it belonged to, or None if it was not live."""
    table = auth_token_table
    result = await (await session.connection()).execute(
        sa.update(table)
        .where(table.c.token_hash == token_hash(secret, token), table.c.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .returning(table.c.person_id)
    )
    person_id: int | None = result.scalar_one_or_none()
    await session.commit()
    return person_id


async def revoke_all_for(session: AsyncSession, person_id: int) -> None:
    table = auth_token_table
    await (await session.connection()).execute(
        sa.update(table)
        .where(table.c.person_id == person_id, table.c.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    await session.commit()
