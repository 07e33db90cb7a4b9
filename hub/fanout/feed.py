"""Feed ordering: each channel's events are dispatched in seq order in every process.

With several publishing processes an event can reach a process before the one just
below it. It waits in `pending`; if the missing ones do not arrive within
GAP_WAIT_SECONDS they are read from the channel log, so a follower never sees a gap or
a reordering, whichever process wrote what.
"""

from __future__ import annotations

import asyncio
import logging
import time

import orjson
import sqlalchemy as sa

from hub.db import SessionMaker, execute
from hub.fanout.topics import ChannelEnvelope
from hub.models import channel_event_table

log = logging.getLogger(__name__)
GAP_WAIT_SECONDS = 0.2


class ChannelFeed:
    """One channel's in-order dispatch state in this process."""

    __slots__ = ("next_seq", "pending", "filling")

    def __init__(self) -> None:
        self.next_seq: int | None = None
        self.pending: dict[int, ChannelEnvelope] = {}
        self.filling = False

    def arrive(self, envelope: ChannelEnvelope) -> list[ChannelEnvelope]:
        """The envelopes ready to dispatch, in order: this one and any it unblocks; none
        if it came early (it waits in `pending`) or was already dispatched."""
        if self.next_seq is None:
            self.next_seq = envelope.seq
        if envelope.seq < self.next_seq:
            return []
        if envelope.seq > self.next_seq:
            self.pending[envelope.seq] = envelope
            return []
        self.next_seq = envelope.seq + 1
        return [envelope, *self._drain()]

    def start_fill(self) -> bool:
        """True when a gap fill should start now (one per feed at a time)."""
        if self.filling or not self.pending:
            return False
        self.filling = True
        return True

    async def fill_gap(self, channel_id: int, sessions: SessionMaker) -> list[ChannelEnvelope]:
        """After a short wait, read what is still missing from the log; returns what became
        ready, in order. A hole the log does not fill either is skipped, loudly."""
        try:
            await asyncio.sleep(GAP_WAIT_SECONDS)
            if not self.pending or self.next_seq is None:
                return []
            async with sessions() as session:
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
                            channel_event_table.c.seq >= self.next_seq,
                            channel_event_table.c.seq < min(self.pending),
                        )
                        .order_by(channel_event_table.c.seq),
                    )
                ).all()
            ready: list[ChannelEnvelope] = []
            for seq, event_type, frame in rows:
                if seq == self.next_seq:
                    audience = _audience_of(event_type, frame)
                    ready.append(ChannelEnvelope(seq, event_type, audience, time.time(), frame))
                    self.next_seq = seq + 1
            if self.pending and self.next_seq not in self.pending:
                log.error(
                    "channel %s log has a hole before seq %s; skipping ahead",
                    channel_id,
                    min(self.pending),
                )
                self.next_seq = min(self.pending)
            return [*ready, *self._drain()]
        finally:
            self.filling = False

    def _drain(self) -> list[ChannelEnvelope]:
        ready: list[ChannelEnvelope] = []
        while self.next_seq is not None and self.next_seq in self.pending:
            ready.append(self.pending.pop(self.next_seq))
            self.next_seq += 1
        return ready


def _audience_of(event_type: str, frame: str) -> tuple[int, ...]:
    # Read back from the log, a membership event's audience is in its frame.
    if event_type == "member.left":
        return (int(orjson.loads(frame)["person_id"]),)
    if event_type == "member.joined":
        return (int(orjson.loads(frame)["person"]["id"]),)
    return ()
