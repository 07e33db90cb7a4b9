"""The broker carries committed events between hub processes.

Two implementations of one Protocol: in-process (the default, one hub process) and Redis
pub/sub (HUB_REDIS_URL, several processes). Topics are per channel (`ch.<id>`) and per
person (`u.<id>`), so a process only receives what its own connections follow.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from hub.broker.outage import RedisHealth

MessageHandler = Callable[[str, bytes], None]
ResumedHandler = Callable[[], None]


class Broker(Protocol):
    async def start(self, handler: MessageHandler, resumed: ResumedHandler | None = None) -> None:
        """Begin delivering messages of subscribed topics to `handler` (called in order).
        `resumed` is called when the broker delivers again after an outage: what other
        processes published meanwhile never arrives, and is to be read from the log."""

    async def publish(self, messages: list[tuple[str, bytes]]) -> None:
        """Publish in order; returns once the broker has them. Once started, an unreachable
        broker does not raise: the messages then reach this process's subscribers only."""

    async def subscribe(self, topic: str) -> None:
        """Returns once messages published from now on will be delivered."""

    async def unsubscribe(self, topic: str) -> None: ...

    async def ping(self) -> None:
        """Raise if the broker cannot be reached."""

    async def close(self) -> None: ...


def create_broker(redis_url: str | None, health: RedisHealth | None = None) -> Broker:
    """`health` is shared with the other users of Redis in the process (hub.app)."""
    if redis_url:
        from hub.broker.redis import RedisBroker

        return RedisBroker(redis_url, health or RedisHealth())
    from hub.broker.memory import MemoryBroker

    return MemoryBroker()
