"""Fan-out: committed events go to the broker, and from it to this process's connections.

Each event is encoded once at commit; the same text is queued on every follower's
connection. Per channel, a process dispatches events strictly in seq order: an event
that arrives early (possible with several publishing processes) waits briefly for the
ones before it, which are then read from the channel log if they do not arrive.
Who receives what is decided by membership (hub.permissions): a connection follows
exactly its person's channels, and presence goes only to people sharing a channel.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

import orjson
import sqlalchemy as sa

from hub import metrics
from hub.broker import Broker
from hub.config import Settings
from hub.db import SessionMaker, execute
from hub.events import LoggedEvent, Presence, ReadUpdated
from hub.models import Person, channel_event_table
from hub.permissions import presence_watchers
from hub.realtime.presence import PRESENCE_TOPIC, PresenceTracker

if TYPE_CHECKING:
    from hub.realtime.connection import Connection

log = logging.getLogger(__name__)
GAP_WAIT_SECONDS = 0.2
CLOSE_ACCOUNT_DEACTIVATED = 4001
person_table: sa.Table = Person.__table__  # type: ignore[attr-defined]
SWEEP_SECONDS = 60.0


def channel_topic(channel_id: int) -> str:
    return f"ch.{channel_id}"


def person_topic(person_id: int) -> str:
    return f"u.{person_id}"


class _Feed:
    """One channel's in-order dispatch state in this process."""

    __slots__ = ("next_seq", "pending", "filling")

    def __init__(self) -> None:
        self.next_seq: int | None = None
        self.pending: dict[int, tuple[str, tuple[int, ...], float, str]] = {}
        self.filling = False


class Delivery:
    def __init__(
        self, settings: Settings, sessions: SessionMaker, broker: Broker, presence: PresenceTracker
    ) -> None:
        self.settings = settings
        self.sessions = sessions
        self.broker = broker
        self.presence = presence
        self._by_person: dict[int, set[Connection]] = {}
        self._followers: dict[int, set[Connection]] = {}
        self._subscriptions: dict[str, asyncio.Future[None]] = {}
        self._feeds: dict[int, _Feed] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._sweeper: asyncio.Task[None] | None = None

    # Publishing (called by the group committer after commit)

    async def publish(self, events: list[LoggedEvent]) -> None:
        now = time.time()
        messages: list[tuple[str, bytes]] = []
        for event in events:
            audience = ",".join(str(pid) for pid in event.audience)
            header = f"{event.seq}|{event.type}|{audience}|{now:.6f}\n"
            messages.append((channel_topic(event.channel_id), (header + event.frame).encode()))
            if event.type == "member.joined":
                for person_id in event.audience:
                    messages.append(
                        (person_topic(person_id), f"follow|{event.channel_id}|{event.seq}".encode())
                    )
        await self.broker.publish(messages)

    async def publish_ephemeral(self, channel_id: int, frame: str) -> None:
        """Typing and the like: to the channel's followers now, never logged, never replayed."""
        header = f"0|ephemeral||{time.time():.6f}\n"
        await self.broker.publish([(channel_topic(channel_id), (header + frame).encode())])

    async def publish_to_person(self, person_id: int, frame: str) -> None:
        """A frame for one person's connections, on every process (a bot's private reply)."""
        await self.broker.publish([(person_topic(person_id), b"frame|" + frame.encode())])

    async def tell_read(self, person_id: int, channel_id: int, seq: int) -> None:
        """A read marker moved: every connection of the person (their phone, other tabs)
        clears its badge too."""
        await self.publish_to_person(
            person_id, ReadUpdated(channel_id=channel_id, seq=seq).encode()
        )

    # Connections

    async def attach(self, connection: Connection) -> None:
        if self._sweeper is None:
            self._sweeper = asyncio.create_task(self._sweep_forever(), name="delivery-sweeper")
            self.spawn(self._close_deactivated_forever())
        self._by_person.setdefault(connection.person_id, set()).add(connection)
        await self._ensure_subscribed(person_topic(connection.person_id))
        await self._ensure_subscribed(PRESENCE_TOPIC)
        metrics.connections.inc()

    def detach(self, connection: Connection) -> None:
        people = self._by_person.get(connection.person_id)
        if people is not None:
            people.discard(connection)
            if not people:
                del self._by_person[connection.person_id]
        for channel_id in list(connection.cursors):
            self.remove_follower(connection, channel_id)
        metrics.connections.dec()

    async def add_follower(self, connection: Connection, channel_id: int) -> None:
        self._followers.setdefault(channel_id, set()).add(connection)
        await self._ensure_subscribed(channel_topic(channel_id))

    def remove_follower(self, connection: Connection, channel_id: int) -> None:
        followers = self._followers.get(channel_id)
        if followers is not None:
            followers.discard(connection)

    async def close_all(self) -> None:
        for connections in list(self._by_person.values()):
            for connection in list(connections):
                await connection.close(1001, "server shutting down; reconnect and resume")
        for task in list(self._tasks) + ([self._sweeper] if self._sweeper else []):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def connections_of(self, person_id: int) -> set[Connection]:
        return self._by_person.get(person_id, set())

    async def _ensure_subscribed(self, topic: str) -> None:
        future = self._subscriptions.get(topic)
        if future is None:
            future = asyncio.ensure_future(self.broker.subscribe(topic))
            self._subscriptions[topic] = future
        try:
            await asyncio.shield(future)
        except Exception:
            if self._subscriptions.get(topic) is future:
                del self._subscriptions[topic]
            raise

    async def _close_deactivated_forever(self) -> None:
        # Deactivation may happen in another process (the CLI, an HR import, another
        # hub), so each process checks its own connected people: one query per round.
        while True:
            await asyncio.sleep(self.settings.account_check_seconds)
            connected = list(self._by_person)
            if not connected:
                continue
            try:
                async with self.sessions() as session:
                    gone = (
                        (
                            await execute(
                                session,
                                sa.select(person_table.c.id).where(
                                    person_table.c.id.in_(connected),
                                    person_table.c.active.is_(False),
                                ),
                            )
                        )
                        .scalars()
                        .all()
                    )
            except Exception:
                log.exception("checking for deactivated accounts failed; will retry")
                continue
            for person_id in gone:
                for connection in list(self.connections_of(person_id)):
                    await connection.close(CLOSE_ACCOUNT_DEACTIVATED, "account deactivated")

    async def _sweep_forever(self) -> None:
        # Unsubscribing lazily keeps a channel whose last follower reconnects from
        # churning its broker subscription.
        while True:
            await asyncio.sleep(SWEEP_SECONDS)
            for channel_id, followers in list(self._followers.items()):
                if not followers:
                    del self._followers[channel_id]
                    self._feeds.pop(channel_id, None)
                    if self._subscriptions.pop(channel_topic(channel_id), None) is not None:
                        await self.broker.unsubscribe(channel_topic(channel_id))
            for person_topic_name in [t for t in self._subscriptions if t.startswith("u.")]:
                if int(person_topic_name[2:]) not in self._by_person:
                    del self._subscriptions[person_topic_name]
                    await self.broker.unsubscribe(person_topic_name)

    def spawn(self, coroutine: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("delivery task failed", exc_info=task.exception())

    # Receiving from the broker

    def on_broker_message(self, topic: str, payload: bytes) -> None:
        if topic.startswith("ch."):
            self._on_channel_event(int(topic[3:]), payload)
        elif topic.startswith("u."):
            if payload.startswith(b"frame|"):
                text = payload[len(b"frame|") :].decode()
                for connection in list(self.connections_of(int(topic[2:]))):
                    connection.push(text)
                return
            kind, channel_id, seq = payload.decode().split("|")
            if kind == "follow":
                for connection in list(self.connections_of(int(topic[2:]))):
                    connection.spawn(
                        connection.follow(int(channel_id), int(seq) - 1, announce=True)
                    )
        elif topic == PRESENCE_TOPIC:
            person_id, status = payload.decode().split("|")
            if self._by_person:
                self.spawn(self._tell_presence(int(person_id), status))

    def _on_channel_event(self, channel_id: int, payload: bytes) -> None:
        header, _, body = payload.partition(b"\n")
        seq_text, event_type, audience_text, stamp = header.decode().split("|")
        seq = int(seq_text)
        frame = body.decode()
        if seq == 0:
            for connection in list(self._followers.get(channel_id, ())):
                connection.push(frame)
            return
        audience = tuple(int(pid) for pid in audience_text.split(",") if pid)
        feed = self._feeds.get(channel_id)
        if feed is None:
            feed = self._feeds[channel_id] = _Feed()
        if feed.next_seq is None:
            feed.next_seq = seq
        if seq < feed.next_seq:
            return
        if seq > feed.next_seq:
            feed.pending[seq] = (event_type, audience, float(stamp), frame)
            if not feed.filling:
                feed.filling = True
                self.spawn(self._fill_gap(channel_id, feed))
            return
        self._dispatch(channel_id, seq, event_type, audience, float(stamp), frame)
        feed.next_seq = seq + 1
        self._drain(channel_id, feed)

    def _drain(self, channel_id: int, feed: _Feed) -> None:
        while feed.next_seq in feed.pending:
            seq = feed.next_seq
            event_type, audience, stamp, frame = feed.pending.pop(seq)
            self._dispatch(channel_id, seq, event_type, audience, stamp, frame)
            feed.next_seq = seq + 1

    async def _fill_gap(self, channel_id: int, feed: _Feed) -> None:
        try:
            await asyncio.sleep(GAP_WAIT_SECONDS)
            if not feed.pending or feed.next_seq is None:
                return
            upto = min(feed.pending)
            async with self.sessions() as session:
                rows = (
                    await execute(
                        session,
                        sa.select(
                            channel_event_table.c.seq,
                            channel_event_table.c.type,
                            channel_event_table.c.frame,
                        )
                        .where(
                            channel_event_table.c.channel_id == channel_id,
                            channel_event_table.c.seq >= feed.next_seq,
                            channel_event_table.c.seq < upto,
                        )
                        .order_by(channel_event_table.c.seq),
                    )
                ).all()
            for seq, event_type, frame in rows:
                if seq == feed.next_seq:
                    self._dispatch(
                        channel_id,
                        seq,
                        event_type,
                        _audience_of(event_type, frame),
                        time.time(),
                        frame,
                    )
                    feed.next_seq = seq + 1
            if feed.next_seq not in feed.pending and feed.pending:
                log.error(
                    "channel %s log has a hole before seq %s; skipping ahead",
                    channel_id,
                    min(feed.pending),
                )
                feed.next_seq = min(feed.pending)
            self._drain(channel_id, feed)
        finally:
            feed.filling = False

    def _dispatch(
        self,
        channel_id: int,
        seq: int,
        event_type: str,
        audience: tuple[int, ...],
        stamp: float,
        frame: str,
    ) -> None:
        if event_type == "member.left":
            for person_id in audience:
                for connection in list(self.connections_of(person_id)):
                    connection.unfollow(channel_id)
        followers = self._followers.get(channel_id)
        if followers:
            for connection in list(followers):
                connection.deliver(channel_id, seq, frame)
            metrics.events_delivered.inc(len(followers))
        metrics.delivery_latency.observe(max(0.0, time.time() - stamp))

    async def _tell_presence(self, person_id: int, status: str) -> None:
        async with self.sessions() as session:
            watchers = await presence_watchers(session, person_id)
        frame = Presence.model_validate({"person_id": person_id, "status": status}).encode()
        for watcher in watchers & self._by_person.keys():
            for connection in list(self.connections_of(watcher)):
                connection.push(frame)


def _audience_of(event_type: str, frame: str) -> tuple[int, ...]:
    if event_type == "member.left":
        return (int(orjson.loads(frame)["person_id"]),)
    if event_type == "member.joined":
        return (int(orjson.loads(frame)["person"]["id"]),)
    return ()
