"""Timer rows: scheduling and cancelling (in the caller's transaction), and the claim protocol.

A due timer is claimed with a compare-and-swap UPDATE: it only matches if the row still
has the status, fire count, due time and claim time the sweep read, so of several
processes that read the same row exactly one gets rowcount 1 and fires it. Every claim
bumps `fired_count`, which makes it a version number: a process that finishes a timer
must still hold that claim (status running, claimed_by itself, same fired_count), so a
timer that was rescheduled, cancelled or re-claimed meanwhile is left as the other
writer set it. See docs/timers.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from hub.models import utcnow
from hub.timers.models import (
    BOT_MAX,
    HANDLER_MAX,
    KEY_MAX,
    LAST_ERROR_MAX,
    DueTimer,
    TimerStatus,
    timer_table,
)
from hub.timers.schedule import DEFAULT_TIME_ZONE, check_cron, check_time_zone, next_fire_after

_t = timer_table.c
# Columns a keyed re-schedule overwrites; the fire history (count, last fire, error) stays.
_REPLACED = (
    "handler",
    "payload",
    "due_at",
    "cron",
    "time_zone",
    "status",
    "claimed_by",
    "claimed_at",
)


async def schedule_timer(
    conn: AsyncConnection,
    *,
    bot: str,
    handler: str,
    at: datetime | None = None,
    cron: str | None = None,
    time_zone: str = DEFAULT_TIME_ZONE,
    key: str | None = None,
    payload: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> int:
    """Schedule `handler` of `bot` once `at` a time, or on a `cron` schedule; returns the timer id.

    Runs in the caller's open transaction, so the timer commits (or not) with the bot's
    other writes. With a `key`, the bot's existing timer of that key is replaced.
    """
    _check_name("bot", bot, BOT_MAX)
    _check_name("handler", handler, HANDLER_MAX)
    if key is not None:
        _check_name("key", key, KEY_MAX)
    now = utcnow() if now is None else now
    if now.tzinfo is None:
        raise ValueError(
            "schedule_timer(now=...) must be an aware datetime: use hub.models.utcnow()"
        )
    check_time_zone(time_zone)
    if (at is None) == (cron is None):
        raise ValueError("schedule_timer needs exactly one of at= (one-shot) or cron= (recurring)")
    if at is not None:
        if at.tzinfo is None:
            raise ValueError(
                "schedule_timer(at=...) got a naive datetime: pass an aware datetime, "
                "e.g. datetime(2026, 1, 5, 9, 0, tzinfo=ZoneInfo('Asia/Shanghai')) or utcnow() + delta"
            )
        due_at = at
    else:
        assert cron is not None
        cron = " ".join(cron.split())
        check_cron(cron, time_zone)
        next_at = next_fire_after(cron, time_zone, now)
        assert next_at is not None  # check_cron refuses expressions that never match
        due_at = next_at
    values: dict[str, Any] = {
        "bot": bot,
        "handler": handler,
        "key": key,
        "payload": payload or {},
        "due_at": due_at,
        "cron": cron,
        "time_zone": time_zone,
        "status": "pending",
        "claimed_by": None,
        "claimed_at": None,
        "fired_count": 0,
        "last_late": False,
        "created_at": now,
    }
    if key is None:
        inserted = await conn.execute(sa.insert(timer_table).values(values).returning(_t.id))
        return int(inserted.scalar_one())
    # One statement, so two concurrent schedules of the same key cannot both insert. Both
    # databases the hub runs on (hub.db) spell the upsert the same way.
    dialect_insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    insert = dialect_insert(timer_table).values(values)
    upsert = insert.on_conflict_do_update(
        index_elements=[_t.bot, _t.key],
        set_={name: insert.excluded[name] for name in _REPLACED},
    ).returning(_t.id)
    return int((await conn.execute(upsert)).scalar_one())


async def cancel_timer(
    conn: AsyncConnection, *, bot: str, key: str | None = None, timer_id: int | None = None
) -> bool:
    """Cancel the bot's timer by key or id; True if it was still to fire (pending, or firing now).

    A timer that is firing right now finishes its current fire but is not rescheduled.
    """
    if (key is None) == (timer_id is None):
        raise ValueError("cancel_timer needs exactly one of key= or timer_id=")
    which = _t.key == key if key is not None else _t.id == timer_id
    result = await conn.execute(
        sa.update(timer_table)
        .where(_t.bot == bot, which, _t.status.in_(("pending", "running")))
        .values(status="cancelled")
    )
    return result.rowcount == 1


async def pending_timers(
    conn: AsyncConnection, *, bot: str, key_prefix: str | None = None, limit: int = 1000
) -> list[Any]:
    """The bot's timers still to fire (pending, or firing now), soonest first."""
    stmt = sa.select(timer_table).where(_t.bot == bot, _t.status.in_(("pending", "running")))
    if key_prefix:
        stmt = stmt.where(_t.key.startswith(key_prefix, autoescape=True))
    return list(await conn.execute(stmt.order_by(_t.due_at, _t.id).limit(limit)))


@dataclass(frozen=True)
class Candidate:
    """A row the sweep saw as due, with the values its claim must still match."""

    id: int
    status: str
    fired_count: int
    due_at: datetime
    claimed_at: datetime | None


@dataclass(frozen=True)
class Claim:
    """A timer this process holds: fire it, then finish it with the same fired_count."""

    timer: DueTimer
    fired_count: int
    time_zone: str


async def find_due(
    conn: AsyncConnection, *, now: datetime, stale_before: datetime, limit: int
) -> list[Candidate]:
    """Pending timers due by `now`, and running ones whose claim is older than `stale_before`."""
    rows = await conn.execute(
        sa.select(_t.id, _t.status, _t.fired_count, _t.due_at, _t.claimed_at)
        .where(
            sa.or_(
                sa.and_(_t.status == "pending", _t.due_at <= now),
                sa.and_(_t.status == "running", _t.claimed_at < stale_before),
            )
        )
        .order_by(_t.due_at, _t.id)
        .limit(limit)
    )
    return [Candidate(*row) for row in rows]


async def claim(
    conn: AsyncConnection,
    candidate: Candidate,
    *,
    process_id: str,
    now: datetime,
    late_after: timedelta,
) -> Claim | None:
    """Take the timer if nobody changed it since it was read; None if another writer got there."""
    late = now - candidate.due_at > late_after
    result = await conn.execute(
        sa.update(timer_table)
        .where(
            _t.id == candidate.id,
            _t.status == candidate.status,
            _t.fired_count == candidate.fired_count,
            _t.due_at == candidate.due_at,
            _t.claimed_at.is_(None)
            if candidate.claimed_at is None
            else _t.claimed_at == candidate.claimed_at,
        )
        .values(
            status="running",
            claimed_by=process_id,
            claimed_at=now,
            fired_count=_t.fired_count + 1,
            last_fired_at=now,
            last_late=late,
        )
        .returning(_t.bot, _t.handler, _t.key, _t.payload, _t.cron, _t.time_zone, _t.fired_count)
    )
    row = result.first()
    if row is None:
        return None
    bot, handler, key, payload, cron, time_zone, fired_count = row
    timer = DueTimer(
        id=candidate.id,
        bot=bot,
        handler=handler,
        key=key,
        payload=dict(payload or {}),
        due_at=candidate.due_at,
        fired_at=now,
        late=late,
        cron=cron,
    )
    return Claim(timer=timer, fired_count=fired_count, time_zone=time_zone)


async def finish(
    conn: AsyncConnection,
    held: Claim,
    *,
    process_id: str,
    now: datetime,
    error: str | None,
) -> TimerStatus | None:
    """Record the end of a fire; returns the new status, or None if the claim was lost meanwhile.

    One-shot timers end done (or failed); cron timers go back to pending at their next
    time strictly after `now`, so missed runs are not replayed one by one.
    """
    status: TimerStatus
    values: dict[str, Any] = {"last_error": None if error is None else error[:LAST_ERROR_MAX]}
    next_at = None
    if held.timer.cron is not None:
        next_at = next_fire_after(held.timer.cron, held.time_zone, now)
    if next_at is not None:
        status = "pending"
        values["due_at"] = next_at
    else:
        status = "failed" if error is not None else "done"
    result = await conn.execute(
        sa.update(timer_table)
        .where(
            _t.id == held.timer.id,
            _t.status == "running",
            _t.claimed_by == process_id,
            _t.fired_count == held.fired_count,
        )
        .values(status=status, **values)
    )
    return status if result.rowcount == 1 else None


def _check_name(what: str, value: str, limit: int) -> None:
    if not value or len(value) > limit:
        raise ValueError(
            f"schedule_timer({what}=...) must be 1 to {limit} characters, got {value!r}"
        )
