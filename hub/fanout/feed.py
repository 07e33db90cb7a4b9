"""Feed ordering: each channel's events are dispatched in seq order in every process.

With several publishing processes an event can reach a process before the one just
below it. It waits in `pending`; if the missing ones do not arrive within
GAP_WAIT_SECONDS they are read from the channel log, so a follower never sees a gap or
a reordering, whichever process wrote what. After a broker outage, what other processes
committed meanwhile is read from the log too (`read_missed`).
"""

from __future__ import annotations

import asyncio
import logging
import time

import orjson
import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from hub.db import SessionMaker, execute
from hub.fanout.topics import ChannelEnvelope
from hub.models import channel_event_table, channel_table

log = logging.getLogger(__name__)
GAP_WAIT_SECONDS = 0.2
LOG_PAGE = 500


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
            logged = await read_log(sessions, channel_id, self.next_seq, before=min(self.pending))
            ready: list[ChannelEnvelope] = []
            for envelope in logged:
                if envelope.seq == self.next_seq:
                    ready.append(envelope)
                    self.next_seq = envelope.seq + 1
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

    async def read_missed(
        self, channel_id: int, sessions: SessionMaker, *, after: int
    ) -> list[ChannelEnvelope]:
        """Everything the log holds past what this feed has dispatched (past `after` if it
        has dispatched nothing), ready in order: after a broker outage, when events other
        processes committed meanwhile will never arrive by the broker."""
        if self.next_seq is None:
            self.next_seq = after + 1
        ready: list[ChannelEnvelope] = []
        while True:
            logged = await read_log(sessions, channel_id, self.next_seq, limit=LOG_PAGE)
            for envelope in logged:
                # Live events may have moved the feed on while the log was read: arrive
                # drops what was dispatched and releases what waited for these.
                ready += self.arrive(envelope)
            if len(logged) < LOG_PAGE:
                return ready

    def _drain(self) -> list[ChannelEnvelope]:
        ready: list[ChannelEnvelope] = []
        while self.next_seq is not None and self.next_seq in self.pending:
            ready.append(self.pending.pop(self.next_seq))
            self.next_seq += 1
        return ready


async def channel_last_seqs(session: AsyncSession, channel_ids: list[int]) -> dict[int, int]:
    """Each channel's last logged seq."""
    channels = channel_table.c
    last: dict[int, int] = {}
    for start in range(0, len(channel_ids), LOG_PAGE):
        chunk = channel_ids[start : start + LOG_PAGE]
        query = sa.select(channels.id, channels.last_seq).where(channels.id.in_(chunk))
        last.update({row.id: row.last_seq for row in await execute(session, query)})
    return last


async def read_log(
    sessions: SessionMaker,
    channel_id: int,
    from_seq: int,
    *,
    before: int | None = None,
    limit: int | None = None,
) -> list[ChannelEnvelope]:
    """The channel's logged events from `from_seq` (and below `before`), in order."""
    events = channel_event_table.c
    query = (
        sa.select(events.seq, events.type, events.frame)
        .where(events.channel_id == channel_id, events.seq >= from_seq)
        .order_by(events.seq)
    )
    if before is not None:
        query = query.where(events.seq < before)
    if limit is not None:
        query = query.limit(limit)
    async with sessions() as session:
        rows = (await execute(session, query)).all()
    now = time.time()
    return [
        ChannelEnvelope(seq, event_type, _audience_of(event_type, frame), now, frame)
        for seq, event_type, frame in rows
    ]


def _audience_of(event_type: str, frame: str) -> tuple[int, ...]:
    # Read back from the log, a membership event's audience is in its frame.
    if event_type == "member.left":
        return (int(orjson.loads(frame)["person_id"]),)
    if event_type == "member.joined":
        return (int(orjson.loads(frame)["person"]["id"]),)
    return ()
