"""The `timer` table (durable bot timers) and what a firing hands to the bot runtime.

A row is one timer: one-shot (`due_at` only) or recurring (`cron` in `time_zone`, with
`due_at` the next fire). `status` walks pending -> running (claimed by one process)
-> done / failed, or back to pending for the next cron fire. See docs/timers.md.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import JSON, Column, Field, SQLModel

from hub.models import UtcDateTime, utcnow

TimerStatus = Literal["pending", "running", "done", "cancelled", "failed"]

BOT_MAX = 100
HANDLER_MAX = 100
KEY_MAX = 200
LAST_ERROR_MAX = 2000


class Timer(SQLModel, table=True):
    __table_args__ = (
        # NULL keys never collide, so unkeyed timers are unconstrained on both databases.
        sa.UniqueConstraint("bot", "key", name="uq_timer_bot_key"),
        sa.Index("ix_timer_status_due_at", "status", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    bot: str = Field(max_length=BOT_MAX)
    handler: str = Field(max_length=HANDLER_MAX)
    key: str | None = Field(default=None, max_length=KEY_MAX)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    due_at: datetime = Field(sa_type=UtcDateTime)
    cron: str | None = Field(default=None, max_length=100)
    time_zone: str = Field(default="Asia/Shanghai", max_length=64)
    status: str = Field(default="pending", max_length=16)  # a TimerStatus
    claimed_by: str | None = Field(default=None, max_length=200)  # the process that fired it
    claimed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    fired_count: int = Field(default=0)
    last_fired_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    last_late: bool = Field(default=False)
    last_error: str | None = Field(default=None, max_length=LAST_ERROR_MAX)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


timer_table: sa.Table = Timer.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class DueTimer:
    """One firing of a timer, as handed to the bot runtime."""

    id: int
    bot: str
    handler: str
    key: str | None
    payload: dict[str, Any]
    due_at: datetime
    fired_at: datetime
    late: bool  # fired more than late_after_seconds after due_at (e.g. the hub was down)
    cron: str | None
    # Records this firing as finished on the given connection, inside the fire's own
    # transaction, so the work and its record commit together (no second firing if the
    # process dies between them). Set by the TimerService; None in a hand-made DueTimer.
    finish_in: Callable[[AsyncConnection], Awaitable[bool]] | None = field(
        default=None, compare=False, repr=False
    )
