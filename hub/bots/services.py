"""The parts of the running hub that the bot runtime uses, handed to it whole at start-up.

hub.app builds this once from the hub's own parts; the runtime and each handler's
session reach the hub only through it, so the bot runtime imports neither fan-out nor
webhooks, and each can be replaced in a test. Timers are the bots' own: the runtime
runs their scheduler (hub.timers.TimerService) itself.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from hub.bus import EventBus
from hub.config import Settings
from hub.db import SessionMaker
from hub.models import utcnow
from hub.ratelimit import SendLimiter
from hub.workdays import WorkCalendar

SendToPerson = Callable[[int, str], Awaitable[None]]
"""Push an encoded frame to one person's live connections on every process."""

QueueCardAction = Callable[[AsyncConnection, int, dict[str, Any]], Awaitable[None]]
"""Queue the `card.action` webhook (the bot's person id, the payload) in the action's own
transaction, so it is sent if and only if the action counts."""

QueueBotEvent = Callable[[AsyncConnection, str, str, dict[str, Any]], Awaitable[list[str]]]
"""Queue a bot's own webhook event (connection, bot name, event type, data) in the
handler's transaction (`ctx.emit`)."""


@dataclass(frozen=True)
class BotServices:
    settings: Settings
    process_id: str  # names this process in the timers it claims
    engine: AsyncEngine
    sessions: SessionMaker
    bus: EventBus
    send_limiter: SendLimiter
    send_to_person: SendToPerson
    queue_card_action: QueueCardAction
    queue_bot_event: QueueBotEvent
    calendar: WorkCalendar = field(default_factory=WorkCalendar)
    # What bots see as now (ctx.now) and when their timers come due; hub.testing moves it.
    clock: Callable[[], datetime] = utcnow
