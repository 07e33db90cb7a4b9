"""Fan-out: committed events go to the broker, and from it to this process's connections.

Each event is encoded once at commit; the same text is queued on every follower's
connection. Per channel, events are dispatched strictly in seq order (hub.fanout.feed).
Who receives what is decided by membership (hub.permissions): a connection follows
exactly its person's channels, and presence goes only to people sharing a channel.
The broker's byte format is in hub.fanout.topics. See docs/architecture.md.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine
from typing import Any, Protocol

from hub import metrics
from hub.broker import Broker
from hub.db import SessionMaker
from hub.fanout import topics
from hub.fanout.feed import ChannelFeed, channel_last_seqs
from hub.fanout.presence import PRESENCE_TOPIC
from hub.fanout.topics import (
    ChannelEnvelope,
    EndSessions,
    Follow,
    PersonMessage,
    channel_topic,
    person_topic,
)
from hub.permissions import presence_watchers
from hub.tasks import TaskSet
from hub.wire.server import LoggedEvent, Presence, ReadUpdated

SWEEP_SECONDS = 60.0


class Follower(Protocol):
    """A live connection as fan-out sees it (hub.realtime.connection.Connection)."""

    person_id: int
    session_hash: str | None  # the session it was opened with (hub.auth.access)
    cursors: dict[int, int]

    def push(self, frame: str) -> None: ...
    def deliver(self, channel_id: int, seq: int, frame: str) -> None: ...
    def unfollow(self, channel_id: int) -> None: ...
    def spawn(self, coroutine: Coroutine[Any, Any, Any]) -> None: ...
    async def follow(self, channel_id: int, after_seq: int, *, announce: bool) -> None: ...
    async def close(self, code: int, reason: str) -> None: ...


class Delivery:
    def __init__(self, sessions: SessionMaker, broker: Broker) -> None:
        self.sessions = sessions
        self.broker = broker
        self._by_person: dict[int, set[Follower]] = {}
        self._followers: dict[int, set[Follower]] = {}
        self._subscriptions: dict[str, asyncio.Future[None]] = {}
        self._feeds: dict[int, ChannelFeed] = {}
        self._tasks = TaskSet("delivery")

    async def start(self) -> None:
        await self.broker.start(self.on_broker_message, self._on_broker_resumed)
        self._tasks.spawn(self._sweep_forever(), name="delivery-sweeper")

    # Publishing (a subscriber of the event bus, so after every commit)

    async def publish(self, events: list[LoggedEvent]) -> None:
        now = time.time()
        messages: list[tuple[str, bytes]] = []
        for event in events:
            messages.append((channel_topic(event.channel_id), topics.encode_event(event, now)))
            if event.type == "member.joined":
                for person_id in event.audience:
                    follow = topics.encode_follow(event.channel_id, event.seq)
                    messages.append((person_topic(person_id), follow))
        await self.broker.publish(messages)

    async def publish_ephemeral(self, channel_id: int, frame: str) -> None:
        """Typing and the like: to the channel's followers now, never logged, never replayed."""
        payload = topics.encode_ephemeral(frame, time.time())
        await self.broker.publish([(channel_topic(channel_id), payload)])

    async def publish_to_person(self, person_id: int, frame: str) -> None:
        """A frame for one person's connections, on every process (a bot's private reply)."""
        payload = topics.encode_personal_frame(frame)
        await self.broker.publish([(person_topic(person_id), payload)])

    async def end_sessions(
        self, person_ids: list[int], code: int, reason: str, *, session_hash: str | None = None
    ) -> None:
        """Close these people's connections on every process (deactivated, signed out
        everywhere), or only those one session opened (`session_hash`: signed out)."""
        await self.broker.publish(
            topics.end_sessions_messages(person_ids, code, reason, session_hash)
        )

    async def tell_read(self, person_id: int, channel_id: int, seq: int) -> None:
        """A read marker moved: every connection of the person (their phone, other tabs)
        clears its badge too."""
        await self.publish_to_person(
            person_id, ReadUpdated(channel_id=channel_id, seq=seq).encode()
        )

    # Connections

    async def attach(self, connection: Follower) -> None:
        self._by_person.setdefault(connection.person_id, set()).add(connection)
        await self._ensure_subscribed(person_topic(connection.person_id))
        await self._ensure_subscribed(PRESENCE_TOPIC)
        metrics.connections.inc()

    def detach(self, connection: Follower) -> None:
        people = self._by_person.get(connection.person_id)
        if people is not None:
            people.discard(connection)
            if not people:
                del self._by_person[connection.person_id]
        for channel_id in list(connection.cursors):
            self.remove_follower(connection, channel_id)
        metrics.connections.dec()

    async def add_follower(self, connection: Follower, channel_id: int) -> None:
        self._followers.setdefault(channel_id, set()).add(connection)
        await self._ensure_subscribed(channel_topic(channel_id))

    def remove_follower(self, connection: Follower, channel_id: int) -> None:
        followers = self._followers.get(channel_id)
        if followers is not None:
            followers.discard(connection)

    async def close_all(self) -> None:
        for connections in list(self._by_person.values()):
            for connection in list(connections):
                await connection.close(1001, "server shutting down; reconnect and resume")
        await self._tasks.cancel_all()

    def connected_sessions(self) -> list[tuple[int, str | None]]:
        """Each (person, session) with a connection in this process, for hub.auth.access."""
        return list(
            {(c.person_id, c.session_hash) for group in self._by_person.values() for c in group}
        )

    def connections_of(self, person_id: int) -> set[Follower]:
        return self._by_person.get(person_id, set())

    async def close_sessions(
        self, person_id: int, session_hash: str | None, code: int, reason: str
    ) -> None:
        """Close one person's connections in this process: every one, or those opened with
        `session_hash`."""
        for connection in list(self.connections_of(person_id)):
            if session_hash is None or connection.session_hash == session_hash:
                await connection.close(code, reason)

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

    # Receiving from the broker

    def on_broker_message(self, topic: str, payload: bytes) -> None:
        if topic.startswith("ch."):
            self._on_channel_message(int(topic[3:]), topics.decode_channel_message(payload))
        elif topic.startswith("u."):
            self._on_person_message(int(topic[2:]), topics.decode_person_message(payload))
        elif topic == PRESENCE_TOPIC:
            person_id, status = payload.decode().split("|")
            if self._by_person:
                self._tasks.spawn(self._tell_presence(int(person_id), status))

    def _on_person_message(self, person_id: int, message: PersonMessage) -> None:
        if isinstance(message, EndSessions):
            self._tasks.spawn(
                self.close_sessions(person_id, message.session_hash, message.code, message.reason)
            )
            return
        for connection in list(self.connections_of(person_id)):
            if isinstance(message, Follow):
                connection.spawn(
                    connection.follow(message.channel_id, message.seq - 1, announce=True)
                )
            else:
                connection.push(message.frame)

    def _on_channel_message(self, channel_id: int, envelope: ChannelEnvelope) -> None:
        if envelope.seq == topics.EPHEMERAL_SEQ:
            for connection in list(self._followers.get(channel_id, ())):
                connection.push(envelope.frame)
            return
        feed = self._feeds.get(channel_id)
        if feed is None:
            feed = self._feeds[channel_id] = ChannelFeed()
        for ready in feed.arrive(envelope):
            self._dispatch(channel_id, ready)
        if feed.start_fill():
            self._tasks.spawn(self._fill_gap(channel_id, feed))

    async def _fill_gap(self, channel_id: int, feed: ChannelFeed) -> None:
        for ready in await feed.fill_gap(channel_id, self.sessions):
            self._dispatch(channel_id, ready)

    def _on_broker_resumed(self) -> None:
        self._tasks.spawn(self._catch_up_after_outage(), name="delivery-catch-up")

    async def _catch_up_after_outage(self) -> None:
        """The broker is back: what other processes committed while it was away never
        arrives by it, so each followed channel that moved on meanwhile is read from the log."""
        followed = {cid: group for cid, group in self._followers.items() if group}
        if not followed:
            return
        async with self.sessions() as session:
            last_seqs = await channel_last_seqs(session, list(followed))
        for channel_id, followers in followed.items():
            feed = self._feeds.get(channel_id)
            if feed is None:
                feed = self._feeds[channel_id] = ChannelFeed()
            # Where this process stands: what the feed dispatched, or else the furthest
            # back any follower is (each one drops what it already has).
            after = min(connection.cursors.get(channel_id, 0) for connection in followers)
            dispatched = feed.next_seq - 1 if feed.next_seq is not None else after
            if last_seqs.get(channel_id, 0) <= dispatched:
                continue
            for ready in await feed.read_missed(channel_id, self.sessions, after=after):
                self._dispatch(channel_id, ready)

    def _dispatch(self, channel_id: int, envelope: ChannelEnvelope) -> None:
        if envelope.type == "member.left":
            for person_id in envelope.audience:
                for connection in list(self.connections_of(person_id)):
                    connection.unfollow(channel_id)
        followers = self._followers.get(channel_id)
        if followers:
            for connection in list(followers):
                connection.deliver(channel_id, envelope.seq, envelope.frame)
            metrics.events_delivered.inc(len(followers))
        metrics.delivery_latency.observe(max(0.0, time.time() - envelope.stamp))

    async def _tell_presence(self, person_id: int, status: str) -> None:
        async with self.sessions() as session:
            watchers = await presence_watchers(session, person_id)
        frame = Presence.model_validate({"person_id": person_id, "status": status}).encode()
        for watcher in watchers & self._by_person.keys():
            for connection in list(self.connections_of(watcher)):
                connection.push(frame)
