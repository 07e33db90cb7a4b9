"""The running hub's parts, made once at start-up and reached from every request as `request.app.state.hub`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncEngine

from hub.config import Settings
from hub.db import SessionMaker
from hub.writer import GroupCommitter

if TYPE_CHECKING:
    from hub.broker import Broker
    from hub.ratelimit import SendLimiter
    from hub.realtime.delivery import Delivery
    from hub.realtime.presence import PresenceTracker


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
