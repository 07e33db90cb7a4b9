"""The post-commit event bus: every committed event reaches every subscriber, whoever wrote it.

Two kinds of writer commit channel events: the writer (hub.writer, for people over HTTP
and WebSocket) and a bot handler's own transaction (hub.bots.invoke). Both publish the
events of a commit here, in commit order, and only after the commit. The parts that act
on committed events subscribe once at start-up (hub.app): fan-out to connections first,
so a slow listener never delays delivery, then bot message listeners, then the webhook
sender's wake-up. A subscriber that raises does not stop the others, and is logged with
its traceback; it is not raised to the publisher: the events are already durable in the
channel log, so the writer still acknowledges them, and followers catch up from the log.
See docs/architecture.md.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from hub.wire.server import LoggedEvent

log = logging.getLogger(__name__)

Subscriber = Callable[[list[LoggedEvent]], Awaitable[None]]


class EventBus:
    def __init__(self) -> None:
        self._subscribers: list[tuple[str, Subscriber]] = []

    def subscribe(self, name: str, subscriber: Subscriber) -> None:
        """Call `subscriber` with the events of every commit from now on, after those
        subscribed before it; `name` is for the log."""
        self._subscribers.append((name, subscriber))

    async def publish(self, events: list[LoggedEvent]) -> None:
        """Hand one commit's events, in order, to each subscriber in turn."""
        if not events:
            return
        for name, subscriber in self._subscribers:
            try:
                await subscriber(events)
            except Exception:  # a boundary: one consumer's failure must not starve the others
                log.exception(
                    "event subscriber %s failed on %d committed events; they stay in the "
                    "channel log, so clients get them on resume",
                    name,
                    len(events),
                )
