"""Redis pub/sub broker for several hub processes on one database.

One pub/sub connection per process reads every subscribed topic in order; a subscribe
call waits for Redis to confirm, so nothing published after it returns is missed (the
caller replays from the database what came before).

While Redis is away (hub.broker.outage) a publish reaches this process's own subscribers
only, so its connections stay live; other processes miss those messages. The pub/sub
connection re-subscribes by itself when Redis is back, and the first message it reads
then (the confirmation of that re-subscription) calls `resumed`, so fan-out reads what
it missed from the channel log at once rather than with the channel's next message.
"""

from __future__ import annotations

import asyncio
import logging
import uuid

import redis.asyncio as aioredis

from hub.broker import MessageHandler, ResumedHandler
from hub.broker.outage import RETRY_SECONDS, UNREACHABLE, RedisHealth, redis_client

log = logging.getLogger(__name__)
PREFIX = "hub:"


class RedisBroker:
    def __init__(self, url: str, health: RedisHealth) -> None:
        self._url = url
        self.health = health
        self._client: aioredis.Redis = redis_client(url)
        self._pubsub = self._client.pubsub()
        self._handler: MessageHandler | None = None
        self._resumed: ResumedHandler | None = None
        self._reader: asyncio.Task[None] | None = None
        self._confirmations: dict[str, list[asyncio.Future[None]]] = {}
        self._lock = asyncio.Lock()
        self._subscribed: set[str] = set()

    async def start(self, handler: MessageHandler, resumed: ResumedHandler | None = None) -> None:
        self._handler = handler
        self._resumed = resumed
        # A topic of our own gives the pub/sub connection something to listen on from the start.
        await self._pubsub.subscribe(f"{PREFIX}process.{uuid.uuid4().hex}")
        self._reader = asyncio.create_task(self._read(), name="redis-broker-reader")

    async def _read(self) -> None:
        handler = self._handler
        assert handler is not None
        lost = False  # the pub/sub connection failed, and nothing was read since
        while True:
            try:
                message = await self._pubsub.get_message(timeout=1.0)
            except asyncio.CancelledError:
                raise
            except UNREACHABLE as error:
                self.health.failed(error)
                lost = True
                await asyncio.sleep(RETRY_SECONDS)
                continue
            except Exception:
                log.exception("Redis pub/sub read failed; retrying in 1 s")
                await asyncio.sleep(RETRY_SECONDS)
                continue
            # Reading again means the connection is up (and has re-subscribed).
            self.health.answered()
            if message is None:
                continue
            if lost:
                # Redis confirms the re-subscription of every topic at once: from here on
                # nothing is missed, so what was published meanwhile can be read back.
                lost = False
                self._call_resumed()
            kind = message["type"]
            channel = message["channel"]
            topic = (channel.decode() if isinstance(channel, bytes) else channel)[len(PREFIX) :]
            if kind == "message":
                try:
                    handler(topic, message["data"])
                except Exception:
                    log.exception("handling a broker message on %s failed", topic)
            elif kind == "subscribe":
                for future in self._confirmations.pop(topic, []):
                    if not future.done():
                        future.set_result(None)

    def _call_resumed(self) -> None:
        if self._resumed is not None:
            try:
                self._resumed()
            except Exception:
                log.exception("catching up after Redis came back failed")

    async def publish(self, messages: list[tuple[str, bytes]]) -> None:
        if not messages:
            return
        started = self._handler is not None
        if started and not self.health.worth_trying():
            self._deliver_here(messages)
            return
        try:
            async with self._client.pipeline(transaction=False) as pipe:
                for topic, payload in messages:
                    pipe.publish(PREFIX + topic, payload)
                await pipe.execute()
        except UNREACHABLE as error:
            if not started:
                raise  # a command-line publish: nobody here to deliver to, so say it failed
            self.health.failed(error)
            self._deliver_here(messages)
            return
        self.health.answered()

    def _deliver_here(self, messages: list[tuple[str, bytes]]) -> None:
        """Redis is away: this process's subscribers still get what was published here."""
        handler = self._handler
        assert handler is not None
        for topic, payload in messages:
            if topic in self._subscribed:
                try:
                    handler(topic, payload)
                except Exception:
                    log.exception("handling a broker message on %s failed", topic)

    async def subscribe(self, topic: str) -> None:
        async with self._lock:
            if topic in self._subscribed:
                return
            future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._confirmations.setdefault(topic, []).append(future)
            try:
                await self._pubsub.subscribe(PREFIX + topic)
            except UNREACHABLE as error:
                # Redis is away: publishes from this process still reach the topic (they
                # fall back to here), and the pub/sub connection subscribes to every name
                # in `channels` when it reconnects.
                self.health.failed(error)
                self._pubsub.channels[(PREFIX + topic).encode()] = None
                self._subscribed.add(topic)
                return
            self._subscribed.add(topic)
        await asyncio.wait_for(future, timeout=10)

    async def unsubscribe(self, topic: str) -> None:
        async with self._lock:
            if topic not in self._subscribed:
                return
            self._subscribed.discard(topic)
            await self._pubsub.unsubscribe(PREFIX + topic)

    async def ping(self) -> None:
        try:
            await self._client.ping()
        except UNREACHABLE as error:
            self.health.failed(error)
            raise
        self.health.answered()

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            await asyncio.gather(self._reader, return_exceptions=True)
        await self._pubsub.aclose()  # type: ignore[no-untyped-call]
        await self._client.aclose()
