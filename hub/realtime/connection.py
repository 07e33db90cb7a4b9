"""One client's WebSocket: its send queue, its per-channel cursors, its replays.

The queue is bounded: a client that cannot keep up is closed with CLOSE_SLOW_CONSUMER
(it resumes from its cursors on reconnect) rather than being allowed to hold memory or
slow the fan-out. When several frames wait, the writer sends them as one text frame,
separated by newlines (docs/protocol.md), which is what keeps a burst cheap.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import deque
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from starlette.types import Send
from starlette.websockets import WebSocket, WebSocketState

from hub import metrics
from hub.actions.channels import channel_out
from hub.db import execute
from hub.models import Person, channel_event_table, channel_table
from hub.tasks import TaskSet
from hub.wire.server import ChannelAdded, ChannelRemoved, ResyncRequired

if TYPE_CHECKING:
    from hub.state import HubState

log = logging.getLogger(__name__)

CLOSE_AUTH_FAILED = 4001
CLOSE_ORIGIN_REFUSED = 4003
CLOSE_SLOW_CONSUMER = 4008
CLOSE_GOING_AWAY = 1001
REPLAY_PAGE = 500
COALESCE_MAX_FRAMES = 256
COALESCE_MAX_CHARS = 256 * 1024


class Connection:
    def __init__(
        self,
        websocket: WebSocket,
        person: Person,
        hub: HubState,
        raw_send: Send,
        *,
        session_hash: str | None,
    ) -> None:
        self.id = uuid.uuid4().hex
        self.websocket = websocket
        self._raw_send = raw_send
        self.person = person
        self.person_id: int = person.id or 0
        # The session this socket was opened with: signing it out closes the socket.
        self.session_hash = session_hash
        self.hub = hub
        # Channel id -> seq of the last event this client has been sent. A channel is
        # "followed" exactly while it has a cursor here.
        self.cursors: dict[int, int] = {}
        self._replaying: dict[int, list[tuple[int, str]]] = {}
        self._out: deque[str] = deque()
        self._wake = asyncio.Event()
        self._drained = asyncio.Event()
        self._limit = hub.settings.connection_queue_frames
        self._tasks = TaskSet(f"connection {self.id}")
        self.closed = False

    # Outgoing

    def push(self, frame: str) -> None:
        """Queue a frame without waiting; a full queue closes the connection."""
        if self.closed:
            return
        if len(self._out) >= self._limit:
            metrics.queue_drops.inc()
            log.info(
                "closing slow consumer %s (person %s): %d frames queued",
                self.id,
                self.person_id,
                len(self._out),
            )
            self.spawn(
                self.close(CLOSE_SLOW_CONSUMER, "too slow: reconnect and resume from your cursors")
            )
            self.closed = True
            return
        self._out.append(frame)
        self._wake.set()

    async def write_forever(self) -> None:
        out = self._out
        send = self._raw_send
        while not self.closed:
            if not out:
                self._wake.clear()
                await self._wake.wait()
                continue
            text = self._take_coalesced()
            await send({"type": "websocket.send", "text": text})
            if len(out) <= self._limit // 2:
                self._drained.set()

    def _take_coalesced(self) -> str:
        """Up to COALESCE_MAX_FRAMES queued frames, at most COALESCE_MAX_CHARS together
        (a single larger frame goes alone): clients' default message limits are ~1 MiB."""
        out = self._out
        parts = [out.popleft()]
        size = len(parts[0])
        while out and len(parts) < COALESCE_MAX_FRAMES and size + len(out[0]) < COALESCE_MAX_CHARS:
            frame = out.popleft()
            parts.append(frame)
            size += len(frame) + 1
        return parts[0] if len(parts) == 1 else "\n".join(parts)

    async def _room_for_replay(self) -> None:
        # Replays wait for the queue to drain by half, so a long catch-up paces
        # itself instead of tripping the slow-consumer limit.
        while len(self._out) > self._limit // 2 and not self.closed:
            self._drained.clear()
            await self._drained.wait()

    async def close(self, code: int, reason: str) -> None:
        self.closed = True
        self._wake.set()
        self._drained.set()
        if self.websocket.application_state == WebSocketState.CONNECTED:
            try:
                await self.websocket.close(code=code, reason=reason)
            except Exception:  # the peer may already be gone
                log.debug("close of %s failed", self.id, exc_info=True)

    # Channel events

    def deliver(self, channel_id: int, seq: int, frame: str) -> None:
        cursor = self.cursors.get(channel_id)
        if cursor is None:
            return
        buffered = self._replaying.get(channel_id)
        if buffered is not None:
            buffered.append((seq, frame))
            return
        if seq <= cursor:
            return
        if seq > cursor + 1:
            # Something before this event has not reached us yet: read it from the log.
            self._replaying[channel_id] = [(seq, frame)]
            self.spawn(self._catch_up(channel_id, cursor))
            return
        self.cursors[channel_id] = seq
        self.push(frame)

    async def follow(
        self, channel_id: int, from_seq: int | None, *, announce: bool = False
    ) -> None:
        """Start (or restart) sending a channel's events after `from_seq` (None: from now)."""
        current = self.cursors.get(channel_id)
        if current is not None and (from_seq is None or from_seq >= current):
            return
        self._replaying[channel_id] = []
        self.cursors[channel_id] = from_seq or 0
        await self.hub.delivery.add_follower(self, channel_id)
        if announce:
            async with self.hub.sessions() as session:
                conn = await session.connection()
                self.push(ChannelAdded(channel=await channel_out(conn, channel_id)).encode())
        await self._catch_up(channel_id, from_seq)

    def unfollow(self, channel_id: int, *, notify: bool = True) -> None:
        if self.cursors.pop(channel_id, None) is None:
            return
        self._replaying.pop(channel_id, None)
        self.hub.delivery.remove_follower(self, channel_id)
        if notify:
            self.push(ChannelRemoved(channel_id=channel_id).encode())

    async def _catch_up(self, channel_id: int, from_seq: int | None) -> None:
        """Send the logged events after `from_seq`, then what arrived live meanwhile."""
        try:
            async with self.hub.sessions() as session:
                last_seq = (
                    await execute(
                        session,
                        sa.select(channel_table.c.last_seq).where(channel_table.c.id == channel_id),
                    )
                ).scalar_one_or_none() or 0
                start = last_seq if from_seq is None else from_seq
                if last_seq - start > self.hub.settings.replay_limit:
                    metrics.resyncs.inc()
                    self.push(
                        ResyncRequired(
                            channel_id=channel_id, from_seq=start, last_seq=last_seq
                        ).encode()
                    )
                    self.cursors[channel_id] = last_seq
                    return
                cursor = start
                self.cursors[channel_id] = cursor
                while cursor < last_seq:
                    rows = (
                        await execute(
                            session,
                            sa.select(channel_event_table.c.seq, channel_event_table.c.frame)
                            .where(
                                channel_event_table.c.channel_id == channel_id,
                                channel_event_table.c.seq > cursor,
                            )
                            .order_by(channel_event_table.c.seq)
                            .limit(REPLAY_PAGE),
                        )
                    ).all()
                    if not rows:
                        break
                    for seq, frame in rows:
                        await self._room_for_replay()
                        self.push(frame)
                        cursor = seq
                    self.cursors[channel_id] = cursor
        finally:
            buffered = self._replaying.pop(channel_id, None) or []
            if channel_id in self.cursors:
                for seq, frame in sorted(buffered, key=lambda item: item[0]):
                    if seq > self.cursors[channel_id]:
                        # Anything still out of order here was never in the log: send it
                        # anyway rather than stall the channel.
                        self.cursors[channel_id] = seq
                        self.push(frame)

    # Housekeeping

    def spawn(self, coroutine: Coroutine[Any, Any, Any]) -> None:
        self._tasks.spawn(coroutine)

    async def shutdown(self) -> None:
        self.closed = True
        self._wake.set()
        await self._tasks.cancel_all()
