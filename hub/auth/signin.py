"""Sign-in with failure limits: 5 failures in 30 minutes lock an account, and an address.

Failures are rows in the database so every hub process sees the same count. An attempt
takes its place in the count (a failure row per key) before its password is checked,
and only if every key has room: the slow hash is exactly the window in which a burst of
attempts would otherwise all see room. A wrong password leaves its places as failures;
a right one gives them back. See docs/api.md ("Signing in").
"""

from __future__ import annotations

import hashlib
import math
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from hub.auth.passwords import hash_password, needs_rehash, verify_password
from hub.config import Settings
from hub.db import execute
from hub.errors import ErrorCode, HubError
from hub.models import LoginFailure, Person, login_failure_table, utcnow


def _keys(username: str, address: str | None) -> list[str]:
    keys = [f"account:{username.strip().lower()}"]
    if address:
        keys.append(f"address:{address}")
    return keys


async def _oldest_failures(
    session: AsyncSession, keys: list[str], since: datetime, limit: int
) -> datetime | None:
    """When the earliest failure that keeps a key locked expires from the window, or None."""
    worst: datetime | None = None
    for key in keys:
        rows = (
            await session.exec(
                select(LoginFailure.at)
                .where(LoginFailure.key == key, LoginFailure.at > since)
                .order_by(LoginFailure.at.desc())  # type: ignore[attr-defined]
                .limit(limit)
            )
        ).all()
        if len(rows) >= limit:
            unlocks_from = rows[-1]
            worst = unlocks_from if worst is None else max(worst, unlocks_from)
    return worst


async def _take_places(
    session: AsyncSession, keys: list[str], now: datetime, since: datetime, limit: int
) -> list[int]:
    """One failure row for each key, stamped `now`, if every key has fewer than `limit`
    failures since `since`; else none. Returns the rows' ids, committed.

    The count and the insert are one statement. SQLite runs it under its one write lock;
    on PostgreSQL, where concurrent statements each see only committed rows, a lock per key
    (held until the commit) makes the processes take their places one at a time."""
    conn = await session.connection()
    if conn.dialect.name == "postgresql":
        for key in sorted(keys):  # one order everywhere, so two attempts never deadlock
            await conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_lock_id(key))))
    failures = login_failure_table.c
    room = sa.and_(
        *(
            sa.select(sa.func.count())
            .where(failures.key == key, failures.at > since)
            .scalar_subquery()
            < limit
            for key in keys
        )
    )
    places = sa.union_all(
        *(
            sa.select(sa.literal(key, failures.key.type), sa.literal(now, failures.at.type)).where(
                room
            )
            for key in keys
        )
    )
    taken = await conn.execute(
        sa.insert(login_failure_table).from_select(["key", "at"], places).returning(failures.id)
    )
    ids = list(taken.scalars())
    await session.commit()
    return ids


def _lock_id(key: str) -> int:
    """A PostgreSQL advisory lock number for a key, the same in every process."""
    digest = hashlib.blake2b(f"sign-in:{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


async def sign_in(
    session: AsyncSession, settings: Settings, username: str, password: str, address: str | None
) -> Person:
    window = timedelta(minutes=settings.login_window_minutes)
    now = utcnow()
    keys = _keys(username, address)
    limit = settings.login_max_failures
    places = await _take_places(session, keys, now, now - window, limit)
    while not places:
        locked_since = await _oldest_failures(session, keys, now - window, limit)
        if locked_since is not None:
            retry_at = locked_since + window
            seconds = max(1, math.ceil((retry_at - now).total_seconds()))
            raise HubError(
                ErrorCode.too_many_attempts,
                f"Too many failed sign-ins. Try again in {math.ceil(seconds / 60)} minutes "
                f"(at {retry_at.strftime('%H:%M')} UTC), or ask an admin to reset your password.",
                headers={"Retry-After": str(seconds)},
                details={"retry_after_seconds": seconds, "retry_at": retry_at.isoformat()},
            )
        # A sign-in to this account cleared its failures since we looked: ask again.
        places = await _take_places(session, keys, now, now - window, limit)
    person = (
        await session.exec(select(Person).where(Person.username == username.strip().lower()))
    ).first()
    if person is None or not verify_password(person.password_hash, password):
        # The places taken are this attempt's failures.
        raise HubError(ErrorCode.invalid_credentials, "Wrong username or password.")
    mine = login_failure_table.c.id.in_(places)
    if not person.active:
        await execute(session, sa.delete(login_failure_table).where(mine))
        await session.commit()
        raise HubError(ErrorCode.account_deactivated, "This account is deactivated; ask an admin.")
    await execute(
        session,
        sa.delete(login_failure_table).where(sa.or_(login_failure_table.c.key == keys[0], mine)),
    )
    if person.password_hash and needs_rehash(person.password_hash):
        person.password_hash = hash_password(password)
        session.add(person)
    await session.commit()
    return person
