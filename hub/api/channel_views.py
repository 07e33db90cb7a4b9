"""Channel list views: channels as one viewer sees them, with unread and mention counts.

Every channel list (yours, browse, a single channel after a change) is built here in a
fixed number of queries however many channels there are, so a person in hundreds of
channels costs the same round trips as one in a few.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, Literal

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from hub.actions.channels import person_brief, person_table
from hub.db import execute
from hub.events import ChannelOut, PersonBrief
from hub.models import (
    Org,
    Person,
    channel_table,
    membership_table,
    mention_table,
    message_table,
)

org_table: sa.Table = Org.__table__  # type: ignore[attr-defined]


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
    m = membership_table
    rows = (
        await execute(
            session,
            sa.select(
                channel_table,
                m.c.role,
                m.c.last_read_seq,
                m.c.muted,
                m.c.person_id.label("member_id"),
            )
            .select_from(
                channel_table.outerjoin(
                    m, sa.and_(m.c.channel_id == channel_table.c.id, m.c.person_id == viewer.id)
                )
            )
            .where(channel_table.c.id.in_(ids)),
        )
    ).all()
    unread = _counts(
        (
            await execute(
                session,
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
                .group_by(message_table.c.channel_id),
            )
        ).all()
    )
    mentions = _counts(
        (
            await execute(
                session,
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
                .group_by(mention_table.c.channel_id),
            )
        ).all()
    )
    member_counts = _counts(
        (
            await execute(
                session,
                sa.select(m.c.channel_id, sa.func.count())
                .where(m.c.channel_id.in_(ids))
                .group_by(m.c.channel_id),
            )
        ).all()
    )
    partner_orgs: dict[int, list[str]] = defaultdict(list)
    for org_row in await execute(
        session,
        sa.select(m.c.channel_id, org_table.c.name)
        .distinct()
        .join(person_table, person_table.c.id == m.c.person_id)
        .join(org_table, org_table.c.id == person_table.c.org_id)
        .where(m.c.channel_id.in_(ids), org_table.c.kind == "partner")
        .order_by(m.c.channel_id, org_table.c.name),
    ):
        partner_orgs[org_row.channel_id].append(org_row.name)
    direct_ids = [row.id for row in rows if row.kind in ("direct", "group")]
    others: dict[int, list[PersonBrief]] = defaultdict(list)
    if direct_ids:
        for row in await execute(
            session,
            sa.select(m.c.channel_id, person_table)
            .join(person_table, person_table.c.id == m.c.person_id)
            .where(m.c.channel_id.in_(direct_ids), m.c.person_id != viewer.id)
            .order_by(m.c.channel_id, person_table.c.id),
        ):
            others[row.channel_id].append(person_brief(row))

    by_id: dict[int, ChannelView] = {}
    for row in rows:
        joined = row.member_id is not None
        by_id[row.id] = ChannelView(
            id=row.id,
            kind=row.kind,
            name=row.name,
            topic=row.topic,
            shared=row.shared,
            archived=row.archived,
            last_seq=row.last_seq,
            created_at=row.created_at,
            partner_orgs=partner_orgs.get(row.id, []),
            member_count=member_counts.get(row.id, 0),
            joined=joined,
            role=row.role if joined else None,
            last_read_seq=row.last_read_seq if joined else None,
            unread_count=unread.get(row.id, 0) if joined else None,
            mention_count=mentions.get(row.id, 0) if joined else None,
            muted=row.muted if joined else None,
            members=others.get(row.id, []) if row.kind in ("direct", "group") else None,
        )
    return [by_id[i] for i in ids if i in by_id]
