"""The running hub's parts, built whole once at start-up (hub.app) and reached from every
request and socket as `request.app.state.hub`.

Parts that serve a single feature and no request (the timers' scheduler, the webhook
sender, the upload pruner, the access sweeper) are owned by hub.app's lifespan or by
their feature, not kept here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncEngine

from hub.config import Settings
from hub.db import SessionMaker

if TYPE_CHECKING:
    from hub.bots.runtime import BotRuntime
    from hub.broker import Broker
    from hub.bus import EventBus
    from hub.fanout.delivery import Delivery
    from hub.fanout.presence import PresenceTracker
    from hub.ratelimit import SendLimiter
    from hub.writer import Writer


@dataclass
class HubState:
    settings: Settings
    secret: bytes
    engine: AsyncEngine
    sessions: SessionMaker
    broker: Broker
    bus: EventBus
    writer: Writer
    delivery: Delivery
    presence: PresenceTracker
    send_limiter: SendLimiter
    bots: BotRuntime

    def clock(self) -> datetime:
        """Now on the hub's work clock: what bots see as `ctx.now` and what out-of-office
        windows are measured on; real time, except under hub.testing, which moves it."""
        return self.bots.services.clock()
