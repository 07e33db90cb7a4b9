"""Durable bot timers: one-shot and cron, stored in the database, fired once across processes.

`schedule_timer` / `cancel_timer` run in the caller's transaction; `TimerService` (one per
hub process) wakes up, claims due timers and hands each to the bot runtime as a
`DueTimer`. See docs/timers.md.
"""

from __future__ import annotations

from hub.timers.models import DueTimer, Timer, TimerStatus, timer_table
from hub.timers.schedule import DEFAULT_TIME_ZONE, check_cron, next_fire_after
from hub.timers.service import FireTimer, TimerService
from hub.timers.store import cancel_timer, pending_timers, schedule_timer

__all__ = [
    "DEFAULT_TIME_ZONE",
    "DueTimer",
    "FireTimer",
    "Timer",
    "TimerService",
    "TimerStatus",
    "cancel_timer",
    "check_cron",
    "next_fire_after",
    "pending_timers",
    "schedule_timer",
    "timer_table",
]
