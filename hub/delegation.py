"""Out of office: a person names a delegate who acts for them on the cards waiting for them.

Each person has at most one delegation that is running or planned (`set_delegation`
replaces it; `end_delegation` ends it now). While it runs, the delegate finds the person's
waiting cards in their own inbox, may read those cards, and may take the actions the cards
allow the person; the hub records both names (card_action.on_behalf_of) and the bot sees
`ctx.on_behalf_of` (hub.acting). Delegation is not passed on: a delegate's own delegate does
not act for the first person. Windows are measured on the hub's work clock (HubState.clock:
real time, or the clock hub.testing moves), the same one bots see as `ctx.now`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from hub.errors import ErrorCode, HubError, person_not_found
from hub.models import Person, delegation_table, from_row, person_table

LONGEST = timedelta(days=366)


@dataclass(frozen=True)
class DelegationRecord:
    id: int
    person_id: int
    delegate_id: int
    starts_at: datetime
    ends_at: datetime


async def current_delegation(
    conn: AsyncConnection, person_id: int, now: datetime
) -> DelegationRecord | None:
    """The person's running or planned delegation (not one that has ended)."""
    t = delegation_table.c
    row = (
        await conn.execute(
            sa.select(delegation_table)
            .where(t.person_id == person_id, t.ends_at > now)
            .order_by(t.starts_at)
            .limit(1)
        )
    ).first()
    return _record(row) if row is not None else None


async def active_delegate(conn: AsyncConnection, person_id: int, now: datetime) -> int | None:
    """Who acts for the person right now, if anyone (an active staff member)."""
    t, p = delegation_table.c, person_table.c
    return (
        await conn.execute(
            sa.select(t.delegate_id)
            .join(person_table, p.id == t.delegate_id)
            .where(t.person_id == person_id, t.starts_at <= now, t.ends_at > now)
            .where(p.active.is_(True))
            .limit(1)
        )
    ).scalar()


async def acting_for(conn: AsyncConnection, delegate_id: int, now: datetime) -> list[int]:
    """The people `delegate_id` acts for right now (active staff), in ascending id order."""
    t, p = delegation_table.c, person_table.c
    rows = await conn.execute(
        sa.select(t.person_id)
        .join(person_table, p.id == t.person_id)
        .where(t.delegate_id == delegate_id, t.starts_at <= now, t.ends_at > now)
        .where(p.active.is_(True), p.kind == "member")
        .order_by(t.person_id)
    )
    return list(dict.fromkeys(rows.scalars()))


async def people_acting_for(conn: AsyncConnection, delegate: Person, now: datetime) -> list[Person]:
    """The people `delegate` acts for right now; none for a guest, a bot or someone inactive."""
    if delegate.kind != "member" or not delegate.active:
        return []
    ids = await acting_for(conn, delegate.id or 0, now)
    if not ids:
        return []
    rows = await conn.execute(
        sa.select(person_table).where(person_table.c.id.in_(ids)).order_by(person_table.c.id)
    )
    return [from_row(Person, row) for row in rows]


async def delegates_of(conn: AsyncConnection, person_ids: list[int], now: datetime) -> set[int]:
    """Who acts right now for any of these people."""
    if not person_ids:
        return set()
    t = delegation_table.c
    rows = await conn.execute(
        sa.select(t.delegate_id).where(
            t.person_id.in_(person_ids), t.starts_at <= now, t.ends_at > now
        )
    )
    return set(rows.scalars())


async def set_delegation(
    conn: AsyncConnection,
    person_id: int,
    delegate_id: int,
    starts_at: datetime,
    ends_at: datetime,
    now: datetime,
) -> DelegationRecord:
    """Make `delegate_id` act for the person from `starts_at` to `ends_at`, replacing any
    running or planned delegation of theirs. Refused (changing nothing) for oneself, for a
    delegate who is not active staff, and for a window that is empty, over, or over a year."""
    if delegate_id == person_id:
        raise _invalid("delegate_id", "You cannot be your own delegate; choose a colleague.")
    delegate = (
        await conn.execute(
            sa.select(person_table.c.kind, person_table.c.active).where(
                person_table.c.id == delegate_id
            )
        )
    ).first()
    if delegate is None:
        raise person_not_found(delegate_id)
    if delegate.kind != "member" or not delegate.active:
        raise _invalid(
            "delegate_id",
            f"Person {delegate_id} cannot be a delegate: choose an active staff member "
            "(not a guest or a bot).",
        )
    if ends_at <= starts_at:
        raise _invalid("ends_at", "The delegation must end after it starts.")
    if ends_at <= now:
        raise _invalid("ends_at", "That time has passed; choose an end in the future.")
    if ends_at - starts_at > LONGEST:
        raise _invalid("ends_at", "A delegation lasts a year at most; choose an earlier end.")
    await _end(conn, person_id, now)
    new_id = (
        await conn.execute(
            sa.insert(delegation_table)
            .values(
                person_id=person_id,
                delegate_id=delegate_id,
                starts_at=max(starts_at, now),
                ends_at=ends_at,
                created_at=now,
            )
            .returning(delegation_table.c.id)
        )
    ).scalar_one()
    record = await current_delegation(conn, person_id, now)
    assert record is not None and record.id == new_id
    return record


async def end_delegation(conn: AsyncConnection, person_id: int, now: datetime) -> bool:
    """End the person's running delegation now and drop a planned one; False if none."""
    return await _end(conn, person_id, now)


async def _end(conn: AsyncConnection, person_id: int, now: datetime) -> bool:
    t = delegation_table.c
    # A planned one never ran: gone. A running one is kept, ended now, for the history.
    planned = await conn.execute(
        sa.delete(delegation_table).where(t.person_id == person_id, t.starts_at > now)
    )
    running = await conn.execute(
        sa.update(delegation_table)
        .where(t.person_id == person_id, t.starts_at <= now, t.ends_at > now)
        .values(ends_at=now)
    )
    return bool(planned.rowcount or running.rowcount)


def _record(row: sa.Row) -> DelegationRecord:  # type: ignore[type-arg]
    return DelegationRecord(
        id=row.id,
        person_id=row.person_id,
        delegate_id=row.delegate_id,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
    )


def _invalid(field: str, message: str) -> HubError:
    return HubError(ErrorCode.validation_failed, message, details={"field": field})
