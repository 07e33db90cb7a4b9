"""In-process broker: one hub process, no network. Delivery is a direct, ordered call."""

from __future__ import annotations

from hub.broker import MessageHandler, ResumedHandler


class MemoryBroker:
    def __init__(self) -> None:
        self._handler: MessageHandler | None = None
        self._topics: set[str] = set()

    async def start(self, handler: MessageHandler, resumed: ResumedHandler | None = None) -> None:
        # In process, nothing is ever away: `resumed` is never called.
        self._handler = handler

    async def publish(self, messages: list[tuple[str, bytes]]) -> None:
        handler = self._handler
        if handler is None:
            raise RuntimeError(
                "MemoryBroker.publish before start(): start the broker in the app lifespan"
            )
        for topic, payload in messages:
            if topic in self._topics:
                handler(topic, payload)

    async def subscribe(self, topic: str) -> None:
        self._topics.add(topic)

    async def unsubscribe(self, topic: str) -> None:
        self._topics.discard(topic)

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        self._topics.clear()
