"""The running hub's parts, made once at start-up and reached from every request as `request.app.state.hub`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncEngine

from hub.config import Settings
from hub.db import SessionMaker
from hub.writer import GroupCommitter

if TYPE_CHECKING:
    from hub.bots.runtime import BotRuntime
    from hub.broker import Broker
    from hub.integrations.sender import WebhookSender
    from hub.ratelimit import SendLimiter
    from hub.realtime.delivery import Delivery
    from hub.realtime.presence import PresenceTracker
    from hub.timers import TimerService


@dataclass
class HubState:
    settings: Settings
    secret: bytes
    engine: AsyncEngine
    sessions: SessionMaker
    broker: Broker
    committer: GroupCommitter
    delivery: Delivery
    presence: PresenceTracker
    send_limiter: SendLimiter
    # Set right after the state is made: they need the state themselves.
    bots: BotRuntime = None  # type: ignore[assignment]
    timers: TimerService = None  # type: ignore[assignment]
    webhooks: WebhookSender = None  # type: ignore[assignment]
