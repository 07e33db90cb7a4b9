"""Presence: online while any connection is active, away while all are idle, else offline.

In one process the counts live in memory. With Redis, each connection is a field of a
hash per person carrying its status and an expiry that its process keeps refreshing, so
every process computes the same answer and a crashed process's connections lapse.
Changes are announced on the broker's `presence` topic (not logged). While Redis is away
(hub.broker.outage), answers come from this process's own connections, and the refresher
writes them back when Redis answers again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Literal, Protocol

import redis.asyncio as aioredis

from hub.broker import Broker
from hub.broker.outage import UNREACHABLE, RedisHealth, redis_client
from hub.config import Settings

log = logging.getLogger(__name__)
Status = Literal["online", "away", "offline"]
PRESENCE_TOPIC = "presence"


def aggregate(statuses: list[str]) -> Status:
    if "online" in statuses:
        return "online"
    if "away" in statuses:
        return "away"
    return "offline"


class PresenceTracker(Protocol):
    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    async def update(self, person_id: int, connection_id: str, status: Status) -> None:
        """Set one connection's status ("offline" when it closes); announce a changed total."""

    async def status_of(self, person_ids: list[int]) -> dict[int, Status]: ...


class _Announcing:
    def __init__(self, broker: Broker) -> None:
        self._broker = broker

    async def _announce(self, person_id: int, status: Status) -> None:
        await self._broker.publish([(PRESENCE_TOPIC, f"{person_id}|{status}".encode())])


class MemoryPresence(_Announcing):
    def __init__(self, broker: Broker) -> None:
        super().__init__(broker)
        self._connections: dict[int, dict[str, Status]] = {}

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def update(self, person_id: int, connection_id: str, status: Status) -> None:
        mine = self._connections.setdefault(person_id, {})
        before = aggregate(list(mine.values()))
        if status == "offline":
            mine.pop(connection_id, None)
            if not mine:
                del self._connections[person_id]
        else:
            mine[connection_id] = status
        after = aggregate(list(mine.values()))
        if after != before:
            await self._announce(person_id, after)

    async def status_of(self, person_ids: list[int]) -> dict[int, Status]:
        return {pid: aggregate(list(self._connections.get(pid, {}).values())) for pid in person_ids}


class RedisPresence(_Announcing):
    def __init__(self, broker: Broker, url: str, ttl_seconds: float, health: RedisHealth) -> None:
        super().__init__(broker)
        self._client: aioredis.Redis = redis_client(url, decode_responses=True)
        self._health = health
        self._ttl = ttl_seconds
        self._local: dict[tuple[int, str], Status] = {}
        self._refresher: asyncio.Task[None] | None = None

    @staticmethod
    def _key(person_id: int) -> str:
        return f"hub:presence:{person_id}"

    async def start(self) -> None:
        self._refresher = asyncio.create_task(self._refresh_forever(), name="presence-refresh")

    async def stop(self) -> None:
        if self._refresher is not None:
            self._refresher.cancel()
            await asyncio.gather(self._refresher, return_exceptions=True)
        try:
            for person_id, connection_id in list(self._local):
                await self._client.hdel(self._key(person_id), connection_id)
        except UNREACHABLE as error:
            self._health.failed(error)  # the fields lapse on their own
        await self._client.aclose()

    async def _refresh_forever(self) -> None:
        while True:
            await asyncio.sleep(self._ttl / 3)
            try:
                expires = time.time() + self._ttl
                async with self._client.pipeline(transaction=False) as pipe:
                    for (person_id, connection_id), status in self._local.items():
                        pipe.hset(self._key(person_id), connection_id, f"{status}|{expires}")
                        pipe.expire(self._key(person_id), int(self._ttl * 2))
                    await pipe.execute()
            except UNREACHABLE as error:
                self._health.failed(error)
            except Exception:
                log.exception("refreshing presence in Redis failed; retrying")
            else:
                self._health.answered()

    def _read_here(self, person_id: int) -> Status:
        return aggregate([s for (pid, _), s in self._local.items() if pid == person_id])

    async def _read(self, person_id: int) -> Status:
        if not self._health.worth_trying():
            return self._read_here(person_id)
        now = time.time()
        try:
            fields = await self._client.hgetall(self._key(person_id))
        except UNREACHABLE as error:
            self._health.failed(error)
            return self._read_here(person_id)
        self._health.answered()
        live = []
        for value in fields.values():
            status, _, expires = str(value).partition("|")
            if float(expires or 0) > now:
                live.append(status)
        return aggregate(live)

    async def update(self, person_id: int, connection_id: str, status: Status) -> None:
        before = await self._read(person_id)
        if status == "offline":
            self._local.pop((person_id, connection_id), None)
        else:
            self._local[(person_id, connection_id)] = status
        if self._health.worth_trying():
            try:
                await self._store(person_id, connection_id, status)
            except UNREACHABLE as error:
                self._health.failed(error)
        after = await self._read(person_id)
        if after != before:
            await self._announce(person_id, after)

    async def _store(self, person_id: int, connection_id: str, status: Status) -> None:
        if status == "offline":
            await self._client.hdel(self._key(person_id), connection_id)
            return
        await self._client.hset(
            self._key(person_id), connection_id, f"{status}|{time.time() + self._ttl}"
        )
        await self._client.expire(self._key(person_id), int(self._ttl * 2))

    async def status_of(self, person_ids: list[int]) -> dict[int, Status]:
        return {pid: await self._read(pid) for pid in person_ids}


def create_presence(settings: Settings, broker: Broker, health: RedisHealth) -> PresenceTracker:
    """`health` is the one the broker reports to (hub.app), so the log speaks once."""
    if settings.redis_url:
        return RedisPresence(
            broker,
            settings.redis_url,
            ttl_seconds=max(10.0, settings.heartbeat_seconds * 2),
            health=health,
        )
    return MemoryPresence(broker)
