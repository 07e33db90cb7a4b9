"""Channel actions: create, direct messages, join/leave/invite/remove, topic, archive, read marks.

Membership changes are channel events like any other, so a client replaying the log
sees who joined and left in order with the messages.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from hub.errors import ErrorCode, HubError, channel_not_found
from hub.models import (
    Person,
    channel_table,
    from_row,
    membership_table,
    org_table,
    person_table,
    utcnow,
)
from hub.permissions import check_may_add_members
from hub.wire.server import (
    ChannelOut,
    ChannelUpdated,
    LoggedEvent,
    MemberJoined,
    MemberLeft,
    PersonBrief,
)
from hub.writer import Outcome, SingleOperation, append_events

CHANNEL_NAME_MAX = 80


def check_channel_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise HubError(ErrorCode.validation_failed, "A channel needs a name.")
    name = name.strip()
    if len(name) > CHANNEL_NAME_MAX:
        raise HubError(
            ErrorCode.validation_failed, f"Channel names are at most {CHANNEL_NAME_MAX} characters."
        )
    return name


async def channels_out(conn: AsyncConnection, channel_ids: Sequence[int]) -> dict[int, ChannelOut]:
    """The channel shape everyone sees (no viewer's fields), by id, for those of `channel_ids`
    that exist: the one builder of `ChannelOut`, in three queries however many channels.
    Events, the WebSocket and hub.api.channel_views (which adds the viewer's fields) use it."""
    ids = list(dict.fromkeys(channel_ids))
    if not ids:
        return {}
    m = membership_table
    rows = (await conn.execute(sa.select(channel_table).where(channel_table.c.id.in_(ids)))).all()
    member_counts = {
        row.channel_id: row.member_count
        for row in await conn.execute(
            sa.select(m.c.channel_id, sa.func.count().label("member_count"))
            .where(m.c.channel_id.in_(ids))
            .group_by(m.c.channel_id)
        )
    }
    partner_orgs: dict[int, list[str]] = defaultdict(list)
    for row in await conn.execute(
        sa.select(m.c.channel_id, org_table.c.name)
        .distinct()
        .join(person_table, person_table.c.id == m.c.person_id)
        .join(org_table, org_table.c.id == person_table.c.org_id)
        .where(m.c.channel_id.in_(ids), org_table.c.kind == "partner")
        .order_by(m.c.channel_id, org_table.c.name)
    ):
        partner_orgs[row.channel_id].append(row.name)
    return {
        row.id: from_row(
            ChannelOut,
            row,
            partner_orgs=partner_orgs.get(row.id, []),
            member_count=member_counts.get(row.id, 0),
        )
        for row in rows
    }


async def channel_out(conn: AsyncConnection, channel_id: int) -> ChannelOut:
    """One channel as `channels_out` builds it; channel_not_found if there is none."""
    found = await channels_out(conn, [channel_id])
    if channel_id not in found:
        raise channel_not_found(channel_id)
    return found[channel_id]


async def _add_members(
    conn: AsyncConnection,
    channel_id: int,
    people: Sequence[Person],
    by_id: int | None,
    role: str = "member",
) -> list[LoggedEvent]:
    """Insert memberships for those not yet in; one member.joined event each."""
    existing = set(
        (
            await conn.execute(
                sa.select(membership_table.c.person_id).where(
                    membership_table.c.channel_id == channel_id,
                    membership_table.c.person_id.in_([p.id for p in people]),
                )
            )
        ).scalars()
    )
    newcomers = [p for p in people if p.id not in existing]
    if not newcomers:
        return []
    now = utcnow()
    await conn.execute(
        sa.insert(membership_table),
        [
            {
                "channel_id": channel_id,
                "person_id": p.id,
                "role": role,
                "last_read_seq": 0,
                "muted": False,
                "joined_at": now,
            }
            for p in newcomers
        ],
    )
    member_role: Literal["owner", "member"] = "owner" if role == "owner" else "member"
    events: list[LoggedEvent] = []
    for person in newcomers:
        brief = from_row(PersonBrief, person)

        def joined(seq: int, brief: PersonBrief = brief) -> MemberJoined:
            return MemberJoined(
                channel_id=channel_id, seq=seq, person=brief, role=member_role, by_id=by_id
            )

        events += await append_events(conn, channel_id, [joined], audience=(person.id or 0,))
    # A joiner starts with everything before their arrival read.
    await conn.execute(
        sa.update(membership_table)
        .where(
            membership_table.c.channel_id == channel_id,
            membership_table.c.person_id.in_([p.id for p in newcomers]),
        )
        .values(
            last_read_seq=sa.select(channel_table.c.last_seq)
            .where(channel_table.c.id == channel_id)
            .scalar_subquery()
        )
    )
    return events


def direct_key(person_ids: Iterable[int]) -> str:
    """The `direct_key` of the conversation between exactly these people (the starter included).

    "d:<low>:<high>" for two people, "g:<sorted ids>" for three or more. The key is unique in
    the channels table, so everyone who opens a conversation with the same people, in any
    order, lands in the same channel; every caller must build it here for that to hold.
    """
    ids = sorted(set(person_ids))
    if len(ids) == 2:
        return f"d:{ids[0]}:{ids[1]}"
    return "g:" + ",".join(str(i) for i in ids)


@dataclass(eq=False)
class CreateChannel(SingleOperation[ChannelOut]):
    kind: Literal["public", "private", "direct", "group"]
    creator: Person
    members: list[Person]
    name: str | None = None
    topic: str = ""
    shared: bool = False
    direct_key: str | None = None

    def actor_id(self) -> int:
        return self.creator.id or 0

    async def apply(self, conn: AsyncConnection) -> Outcome[ChannelOut]:
        if self.direct_key is not None:
            found = (
                await conn.execute(
                    sa.select(channel_table.c.id).where(
                        channel_table.c.direct_key == self.direct_key
                    )
                )
            ).scalar_one_or_none()
            if found is not None:
                return Outcome(value=await channel_out(conn, found))
        channel_id = (
            await conn.execute(
                sa.insert(channel_table)
                .values(
                    kind=self.kind,
                    name=self.name,
                    topic=self.topic,
                    shared=self.shared,
                    archived=False,
                    direct_key=self.direct_key,
                    created_by=self.creator.id,
                    created_at=utcnow(),
                    last_seq=0,
                )
                .returning(channel_table.c.id)
            )
        ).scalar_one()
        owner_role = "member" if self.kind in ("direct", "group") else "owner"
        events = await _add_members(conn, channel_id, [self.creator], self.creator.id, owner_role)
        others = [p for p in self.members if p.id != self.creator.id]
        events += await _add_members(conn, channel_id, others, self.creator.id)
        return Outcome(value=await channel_out(conn, channel_id), events=events)


@dataclass(eq=False)
class AddMembers(SingleOperation[list[int]]):
    channel_id: int
    people: list[Person]
    by_id: int | None

    def actor_id(self) -> int | None:
        return self.by_id

    async def apply(self, conn: AsyncConnection) -> Outcome[list[int]]:
        channel = (
            await conn.execute(
                sa.select(channel_table.c.kind, channel_table.c.archived).where(
                    channel_table.c.id == self.channel_id
                )
            )
        ).first()
        check_may_add_members(self.channel_id, channel)
        events = await _add_members(conn, self.channel_id, self.people, self.by_id)
        return Outcome(value=[e.seq for e in events], events=events)


@dataclass(eq=False)
class RemoveMember(SingleOperation[int | None]):
    channel_id: int
    person_id: int
    by_id: int | None
    reason: Literal["left", "removed", "deactivated"]

    def actor_id(self) -> int | None:
        return self.by_id

    async def apply(self, conn: AsyncConnection) -> Outcome[int | None]:
        deleted = await conn.execute(
            sa.delete(membership_table).where(
                membership_table.c.channel_id == self.channel_id,
                membership_table.c.person_id == self.person_id,
            )
        )
        if deleted.rowcount == 0:
            if self.reason == "left":
                raise HubError(
                    ErrorCode.not_a_member, f"You are not a member of channel {self.channel_id}."
                )
            raise HubError(
                ErrorCode.not_found, f"Person {self.person_id} is not in channel {self.channel_id}."
            )
        events = await append_events(
            conn,
            self.channel_id,
            [
                lambda seq: MemberLeft(
                    channel_id=self.channel_id,
                    seq=seq,
                    person_id=self.person_id,
                    by_id=self.by_id,
                    reason=self.reason,
                )
            ],
            audience=(self.person_id,),
        )
        return Outcome(value=events[0].seq, events=events)


@dataclass(eq=False)
class UpdateChannel(SingleOperation[ChannelOut]):
    channel_id: int
    by_id: int
    changes: dict[str, Any] = field(default_factory=dict)  # topic, name, archived

    def actor_id(self) -> int:
        return self.by_id

    async def apply(self, conn: AsyncConnection) -> Outcome[ChannelOut]:
        await conn.execute(
            sa.update(channel_table)
            .where(channel_table.c.id == self.channel_id)
            .values(**self.changes)
        )
        # The event carries the channel as it is after this change (last_seq included).
        out = await channel_out(conn, self.channel_id)
        events = await append_events(
            conn,
            self.channel_id,
            [
                lambda seq: ChannelUpdated(
                    channel_id=self.channel_id,
                    seq=seq,
                    channel=out.model_copy(update={"last_seq": seq}),
                    by_id=self.by_id,
                )
            ],
        )
        return Outcome(value=out.model_copy(update={"last_seq": events[0].seq}), events=events)


@dataclass(eq=False)
class MarkRead(SingleOperation[int]):
    """Move a read marker forward (never back), capped at the channel's last seq."""

    channel_id: int
    person_id: int
    seq: int

    async def apply(self, conn: AsyncConnection) -> Outcome[int]:
        last_seq = (
            await conn.execute(
                sa.select(channel_table.c.last_seq).where(channel_table.c.id == self.channel_id)
            )
        ).scalar_one()
        target = min(self.seq, last_seq)
        await conn.execute(
            sa.update(membership_table)
            .where(
                membership_table.c.channel_id == self.channel_id,
                membership_table.c.person_id == self.person_id,
                membership_table.c.last_read_seq < target,
            )
            .values(last_read_seq=target)
        )
        return Outcome(value=target)
