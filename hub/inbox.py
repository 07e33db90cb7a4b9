"""The shared to-do inbox: the cards waiting for each person, across every channel.

A card names whom it is waiting for (`awaiting`, docs/cards.md). The table `card_awaiting`
indexes that per person and is rewritten by `set_awaiting` in the very transaction that
posts, updates or deletes the card (hub.actions.messages, hub.actions.cards), so the index
never disagrees with the cards. Who sees what is decided when reading, through
hub.permissions: a person who left a private channel, or a guest outside their channels,
finds nothing of it here. After the commit each person whose inbox changed gets
`inbox.updated` with their new counts (`notify_inbox`; docs/protocol.md). The route is
`GET /api/v1/me/inbox` (hub.api.inbox_routes, docs/api.md).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from hub.delegation import delegates_of, people_acting_for
from hub.errors import ErrorCode, HubError
from hub.models import (
    Person,
    card_awaiting_table,
    channel_table,
    from_row,
    message_table,
    person_table,
    utcnow,
)
from hub.permissions import readable_channel_clause
from hub.wire.server import InboxUpdated

SendToPerson = Callable[[int, str], Awaitable[None]]


def awaited_in(card: dict[str, Any] | None) -> list[int]:
    """The people a (validated) card is waiting for, each once; none for no card."""
    if card is None:
        return []
    return list(dict.fromkeys(int(i) for i in card.get("awaiting") or []))


def awaiting_unknown(person_id: int) -> HubError:
    return HubError(
        ErrorCode.card_invalid,
        f"The card's awaiting names person {person_id}, who does not exist; name the people "
        "the card waits for by their person id.",
        details={"path": "awaiting"},
    )


async def unknown_people(conn: AsyncConnection, person_ids: Iterable[int]) -> set[int]:
    """Those of `person_ids` who are no one in the hub."""
    wanted = set(person_ids)
    if not wanted:
        return set()
    known = (
        await conn.execute(sa.select(person_table.c.id).where(person_table.c.id.in_(wanted)))
    ).scalars()
    return wanted - set(known)


async def set_awaiting(
    conn: AsyncConnection,
    message_id: int,
    *,
    card: dict[str, Any] | None,
    bot_id: int,
    channel_id: int,
) -> set[int]:
    """Make the index say what `card` (None: the message is gone) is waiting for; returns
    the people added or removed, whose inbox changed. A person named but unknown is refused
    (card_invalid) and, raised inside the caller's transaction, changes nothing."""
    wanted = awaited_in(card)
    t = card_awaiting_table.c
    had = set(
        (await conn.execute(sa.select(t.person_id).where(t.message_id == message_id))).scalars()
    )
    added = [i for i in wanted if i not in had]
    removed = had - set(wanted)
    if added:
        unknown = await unknown_people(conn, added)
        if unknown:
            raise awaiting_unknown(min(unknown))
        now = utcnow()
        await conn.execute(
            sa.insert(card_awaiting_table),
            [
                {
                    "message_id": message_id,
                    "person_id": i,
                    "bot_id": bot_id,
                    "channel_id": channel_id,
                    "since": now,
                }
                for i in added
            ],
        )
    if removed:
        await conn.execute(
            sa.delete(card_awaiting_table).where(
                t.message_id == message_id, t.person_id.in_(sorted(removed))
            )
        )
    return set(added) | removed


def _waiting_for(people: Sequence[Person]) -> sa.ColumnElement[bool]:
    """The index rows of these people that each may still read, on live messages."""
    t = card_awaiting_table.c
    return sa.and_(
        sa.or_(
            *(
                sa.and_(t.person_id == p.id, readable_channel_clause(p, t.channel_id))
                for p in people
            )
        ),
        message_table.c.deleted_at.is_(None),
    )


async def inbox_counts(
    conn: AsyncConnection, person: Person, acting_for: Sequence[Person] = ()
) -> tuple[int, dict[str, int]]:
    """(total, count per bot id) of the cards waiting for `person` that they may read, and
    for those they act for while out of office (hub.delegation); a card counts once."""
    t = card_awaiting_table.c
    rows = await conn.execute(
        sa.select(t.bot_id, sa.func.count(sa.distinct(t.message_id)))
        .select_from(card_awaiting_table.join(message_table, message_table.c.id == t.message_id))
        .where(_waiting_for([person, *acting_for]))
        .group_by(t.bot_id)
    )
    counts = {str(bot_id): int(n) for bot_id, n in rows}
    return sum(counts.values()), counts


async def inbox_rows(
    conn: AsyncConnection,
    person: Person,
    *,
    limit: int,
    before: int | None,
    acting_for: Sequence[Person] = (),
) -> list[Any]:
    """The messages of the cards waiting for `person` (and for those they act for), newest
    first, below `before` (a message id) if given; each row is the message's with
    `channel_name`, `bot_id` and `waiting_for` (whom the card waits for: `person` where it
    waits for them too). At most `limit` rows, one per card."""
    t = card_awaiting_table.c
    mine = sa.case((t.person_id == person.id, 0), else_=1)
    query = (
        sa.select(
            message_table,
            channel_table.c.name.label("channel_name"),
            t.bot_id.label("bot_id"),
            t.person_id.label("waiting_for"),
        )
        .select_from(
            card_awaiting_table.join(message_table, message_table.c.id == t.message_id).join(
                channel_table, channel_table.c.id == t.channel_id
            )
        )
        .where(_waiting_for([person, *acting_for]))
        .order_by(t.message_id.desc(), mine, t.person_id)
        # A card waiting for several of them comes once per person: enough rows for `limit` cards.
        .limit(limit * (1 + len(acting_for)))
    )
    if before is not None:
        query = query.where(t.message_id < before)
    found: dict[int, Any] = {}
    for row in await conn.execute(query):
        found.setdefault(row.id, row)  # the first is the person's own, where there is one
    return list(found.values())[:limit]


async def notify_inbox(
    engine: AsyncEngine,
    people: Iterable[int],
    send: SendToPerson,
    clock: Callable[[], datetime] = utcnow,
) -> None:
    """Tell each person (after the commit that changed their inbox) their new counts, and
    whoever acts for them while they are out of office, whose inbox holds their cards."""
    wanted = set(people)
    if not wanted:
        return
    async with engine.connect() as conn:
        now = clock()
        wanted |= await delegates_of(conn, sorted(wanted), now)
        rows = await conn.execute(
            sa.select(person_table).where(person_table.c.id.in_(sorted(wanted)))
        )
        persons = [from_row(Person, row) for row in rows]
        frames = []
        for person in persons:
            absent = await people_acting_for(conn, person, now)
            total, counts = await inbox_counts(conn, person, absent)
            frames.append((person.id or 0, InboxUpdated(total=total, counts=counts).encode()))
    for person_id, frame in frames:
        await send(person_id, frame)
