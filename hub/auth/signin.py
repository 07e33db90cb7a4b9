"""Sign-in with failure limits: 5 failures in 30 minutes lock an account, and an address.

Failures are rows in the database so every hub process sees the same count.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from hub.auth.passwords import hash_password, needs_rehash, verify_password
from hub.config import Settings
from hub.db import execute
from hub.errors import ErrorCode, HubError
from hub.models import LoginFailure, Person, utcnow


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


async def sign_in(
    session: AsyncSession, settings: Settings, username: str, password: str, address: str | None
) -> Person:
    window = timedelta(minutes=settings.login_window_minutes)
    now = utcnow()
    keys = _keys(username, address)
    locked_since = await _oldest_failures(session, keys, now - window, settings.login_max_failures)
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
    person = (
        await session.exec(select(Person).where(Person.username == username.strip().lower()))
    ).first()
    if person is None or not verify_password(person.password_hash, password):
        for key in keys:
            session.add(LoginFailure(key=key, at=now))
        await session.commit()
        raise HubError(ErrorCode.invalid_credentials, "Wrong username or password.")
    if not person.active:
        raise HubError(ErrorCode.account_deactivated, "This account is deactivated; ask an admin.")
    await execute(
        session,
        sa.delete(LoginFailure).where(LoginFailure.key == keys[0]),  # type: ignore[arg-type]
    )
    if person.password_hash and needs_rehash(person.password_hash):
        person.password_hash = hash_password(password)
        session.add(person)
    await session.commit()
    return person
