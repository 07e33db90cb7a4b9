"""Channel list views: channels as one viewer sees them, with unread and mention counts.

Every channel list (yours, browse, a single channel after a change) is built here in a
fixed number of queries however many channels there are, so a person in hundreds of
channels costs the same round trips as one in a few. The channel itself comes from
hub.actions.channels.channels_out, the one builder of the channel shape; this module adds
only what depends on the viewer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, Literal

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from hub.actions.channels import channels_out
from hub.models import (
    Person,
    from_row,
    membership_table,
    mention_table,
    message_table,
    person_table,
)
from hub.wire.server import ChannelOut, PersonBrief


class ChannelView(ChannelOut):
    """A channel as one viewer sees it; the membership fields are null when they have not joined."""

    joined: bool
    role: Literal["owner", "member"] | None = None
    last_read_seq: int | None = None
    unread_count: int | None = None
    mention_count: int | None = None
    muted: bool | None = None
    members: list[PersonBrief] | None = None  # direct and group channels: the other people


def _counts(rows: Sequence[Any]) -> dict[int, int]:
    return {int(row[0]): int(row[1]) for row in rows}


async def channel_views(
    session: AsyncSession, viewer: Person, channel_ids: Sequence[int]
) -> list[ChannelView]:
    """The channels `channel_ids` (already checked readable), in that order, as `viewer` sees them."""
    if not channel_ids:
        return []
    ids = list(dict.fromkeys(channel_ids))
    conn = await session.connection()
    channels = await channels_out(conn, ids)
    m = membership_table
    memberships = {
        row.channel_id: row
        for row in await conn.execute(
            sa.select(m.c.channel_id, m.c.role, m.c.last_read_seq, m.c.muted).where(
                m.c.channel_id.in_(ids), m.c.person_id == viewer.id
            )
        )
    }
    unread = _counts(
        (
            await conn.execute(
                sa.select(message_table.c.channel_id, sa.func.count())
                .join(
                    m,
                    sa.and_(
                        m.c.channel_id == message_table.c.channel_id, m.c.person_id == viewer.id
                    ),
                )
                .where(
                    message_table.c.channel_id.in_(ids),
                    message_table.c.seq > m.c.last_read_seq,
                    message_table.c.sender_id != viewer.id,
                    message_table.c.deleted_at.is_(None),
                )
                .group_by(message_table.c.channel_id)
            )
        ).all()
    )
    mentions = _counts(
        (
            await conn.execute(
                sa.select(mention_table.c.channel_id, sa.func.count())
                .join(
                    m,
                    sa.and_(
                        m.c.channel_id == mention_table.c.channel_id, m.c.person_id == viewer.id
                    ),
                )
                .where(
                    mention_table.c.channel_id.in_(ids),
                    mention_table.c.person_id == viewer.id,
                    mention_table.c.seq > m.c.last_read_seq,
                )
                .group_by(mention_table.c.channel_id)
            )
        ).all()
    )
    direct_ids = [c.id for c in channels.values() if c.kind in ("direct", "group")]
    others: dict[int, list[PersonBrief]] = defaultdict(list)
    if direct_ids:
        for row in await conn.execute(
            sa.select(m.c.channel_id, person_table)
            .join(person_table, person_table.c.id == m.c.person_id)
            .where(m.c.channel_id.in_(direct_ids), m.c.person_id != viewer.id)
            .order_by(m.c.channel_id, person_table.c.id)
        ):
            others[row.channel_id].append(from_row(PersonBrief, row))

    views: list[ChannelView] = []
    for channel_id in ids:
        channel = channels.get(channel_id)
        if channel is None:
            continue
        membership = memberships.get(channel_id)
        joined = membership is not None
        views.append(
            from_row(
                ChannelView,
                channel,
                joined=joined,
                role=membership.role if membership is not None else None,
                last_read_seq=membership.last_read_seq if membership is not None else None,
                unread_count=unread.get(channel_id, 0) if joined else None,
                mention_count=mentions.get(channel_id, 0) if joined else None,
                muted=membership.muted if membership is not None else None,
                members=others.get(channel_id, []) if channel.kind in ("direct", "group") else None,
            )
        )
    return views
