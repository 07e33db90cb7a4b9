"""Channel log to webhook deliveries: messages reach outgoing webhooks without touching the send path.

Each (webhook, watched channel) pair has a cursor. A pass reads the channel log after
the lowest cursor and, per webhook, turns the new `message.new` rows into deliveries in
the transaction that moves its cursor forward. The cursor moves only if it still holds
the value this pass read, so two hub processes tailing at once never queue an event
twice; the loser's transaction rolls back and the next pass starts from the new cursor.
Messages the webhook's own bot sent are skipped, so an integration cannot echo itself.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from hub.integrations.models import (
    outgoing_webhook_table,
    webhook_cursor_table,
    webhook_delivery_table,
)
from hub.integrations.outgoing import MESSAGE_EVENT, delivery_row, event_payload
from hub.models import channel_event_table

log = logging.getLogger(__name__)


@dataclass
class _Cursor:
    webhook_id: int
    channel_id: int
    last_seq: int
    bot_id: int


class _CursorMoved(Exception):
    """Another process advanced a cursor first; this channel's pass is rolled back."""


async def watched_cursors(engine: AsyncEngine) -> list[_Cursor]:
    c, w = webhook_cursor_table, outgoing_webhook_table
    async with engine.connect() as conn:
        rows = await conn.execute(
            sa.select(c.c.webhook_id, c.c.channel_id, c.c.last_seq, w.c.bot_id)
            .join(w, w.c.id == c.c.webhook_id)
            .where(w.c.active.is_(True))
        )
        return [_Cursor(r.webhook_id, r.channel_id, r.last_seq, r.bot_id) for r in rows]


async def tail_channel_logs(
    engine: AsyncEngine, cursors: list[_Cursor], batch: int = 500
) -> tuple[int, bool]:
    """One pass over every watched channel: how many deliveries it queued, and whether
    some channel has more to read than one batch held."""
    by_channel: dict[int, list[_Cursor]] = defaultdict(list)
    for cursor in cursors:
        by_channel[cursor.channel_id].append(cursor)
    queued, more = 0, False
    for channel_id, mine in by_channel.items():
        start = min(cursor.last_seq for cursor in mine)
        e = channel_event_table
        async with engine.connect() as conn:
            events = list(
                await conn.execute(
                    sa.select(e.c.seq, e.c.type, e.c.frame, e.c.created_at)
                    .where(e.c.channel_id == channel_id, e.c.seq > start)
                    .order_by(e.c.seq)
                    .limit(batch)
                )
            )
        if not events:
            continue
        more = more or len(events) == batch
        try:
            async with engine.begin() as conn:
                for cursor in mine:
                    queued += await _advance(conn, cursor, events)
        except _CursorMoved:
            log.debug("channel %d: another process advanced a webhook cursor first", channel_id)
            more = True
    return queued, more


async def _advance(conn: AsyncConnection, cursor: _Cursor, events: list[Any]) -> int:
    new = [event for event in events if event.seq > cursor.last_seq]
    if not new:
        return 0
    c = webhook_cursor_table
    # The write comes first: on SQLite it takes the write lock before anything is read.
    moved = await conn.execute(
        sa.update(c)
        .where(
            c.c.webhook_id == cursor.webhook_id,
            c.c.channel_id == cursor.channel_id,
            c.c.last_seq == cursor.last_seq,
        )
        .values(last_seq=new[-1].seq)
    )
    if moved.rowcount != 1:
        raise _CursorMoved()
    rows = []
    for event in new:
        if event.type != MESSAGE_EVENT:
            continue
        frame = orjson.loads(event.frame)
        if frame["message"]["sender_id"] == cursor.bot_id:
            continue
        data = {"channel_id": frame["channel_id"], "seq": frame["seq"], "message": frame["message"]}
        payload = event_payload(MESSAGE_EVENT, data, event.created_at)
        rows.append(delivery_row(cursor.webhook_id, MESSAGE_EVENT, payload))
    if rows:
        await conn.execute(sa.insert(webhook_delivery_table), rows)
    return len(rows)
