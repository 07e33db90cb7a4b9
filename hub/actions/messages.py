"""Message actions: send, edit, delete, react. Each is an Operation for the writer.

Who may do each is checked again inside the transaction that writes, with the same rule
as the early check (hub.permissions, `check_may_*`), so the check and the write cannot
drift apart, whichever transport asked.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Self

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from hub.errors import ErrorCode, HubError, message_not_found
from hub.inbox import awaited_in, awaiting_unknown, set_awaiting, unknown_people
from hub.models import (
    Person,
    channel_event_table,
    channel_table,
    from_row,
    membership_table,
    mention_table,
    message_table,
    person_table,
    reaction_table,
    utcnow,
)
from hub.permissions import (
    check_account_active,
    check_may_delete,
    check_may_edit,
    check_may_post,
    check_may_react,
)
from hub.wire.inputs import SPACE
from hub.wire.server import (
    LoggedEvent,
    MessageDeleted,
    MessageEdited,
    MessageNew,
    MessageOut,
    ReactionAdded,
    ReactionCount,
    ReactionRemoved,
)
from hub.writer import Operation, Outcome, SingleOperation, allocate_seqs, append_events

MENTION = re.compile(r"(?<![\w@])@([a-z0-9][a-z0-9._-]{0,99})", re.IGNORECASE)
CLIENT_MSG_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
EMOJI = re.compile(f"^[^{SPACE}]{{1,64}}$")


def message_out(row: Any, reactions: list[ReactionCount] | None = None) -> MessageOut:
    """A message row as clients see it: a deleted message keeps its place but not its content."""
    deleted = row.deleted_at is not None
    return from_row(
        MessageOut,
        row,
        text="" if deleted else row.text,
        card=None if deleted else row.card,
        deleted=deleted,
        reactions=reactions or [],
    )


async def reactions_for(
    conn: AsyncConnection, message_ids: Sequence[int]
) -> dict[int, list[ReactionCount]]:
    if not message_ids:
        return {}
    rows = await conn.execute(
        sa.select(reaction_table.c.message_id, reaction_table.c.emoji, reaction_table.c.person_id)
        .where(reaction_table.c.message_id.in_(message_ids))
        .order_by(
            reaction_table.c.message_id, reaction_table.c.created_at, reaction_table.c.person_id
        )
    )
    grouped: dict[int, dict[str, list[int]]] = defaultdict(dict)
    for message_id, emoji, person_id in rows:
        grouped[message_id].setdefault(emoji, []).append(person_id)
    return {
        message_id: [
            ReactionCount(emoji=e, count=len(p), person_ids=p) for e, p in by_emoji.items()
        ]
        for message_id, by_emoji in grouped.items()
    }


def check_text(text: str, max_chars: int, *, allow_empty: bool = False) -> str:
    if not isinstance(text, str):
        raise HubError(ErrorCode.validation_failed, "`text` must be a string.")
    if len(text) > max_chars:
        raise HubError(
            ErrorCode.message_too_long,
            f"The message has {len(text)} characters; the limit is {max_chars}. Split it or attach a file.",
        )
    if not allow_empty and not text.strip():
        raise HubError(ErrorCode.validation_failed, "The message is empty.")
    return text


def check_client_msg_id(value: object) -> str:
    if not isinstance(value, str) or not CLIENT_MSG_ID.match(value):
        raise HubError(
            ErrorCode.validation_failed,
            "`client_msg_id` is required: 1-64 characters of letters, digits and . _ : - (a UUID works).",
        )
    return value


def check_emoji(value: object) -> str:
    if not isinstance(value, str) or not EMOJI.match(value):
        raise HubError(
            ErrorCode.validation_failed, "`emoji` must be 1-64 characters without spaces."
        )
    return value


@dataclass
class SentMessage:
    message: MessageOut
    duplicate: bool


@dataclass(eq=False)
class SendMessage(Operation[SentMessage]):
    channel_id: int
    sender: Person
    text: str
    client_msg_id: str
    thread_root_id: int | None = None
    card: dict[str, Any] | None = None
    # The bot runtime posts where the person who invoked it may post (a slash command's
    # channel): it has checked that person, so the bot itself need not be a member.
    on_behalf_of: int | None = None

    @classmethod
    async def apply_batch(cls, conn: AsyncConnection, ops: Sequence[Self]) -> list[Outcome[Any]]:
        outcomes: list[Outcome[Any] | None] = [None] * len(ops)
        originals = await _existing_by_client_id(conn, ops)
        first_in_batch: dict[tuple[int, str], int] = {}
        fresh: list[int] = []
        for i, op in enumerate(ops):
            key = (op.sender.id or 0, op.client_msg_id)
            if key in originals:
                outcomes[i] = Outcome(value=SentMessage(originals[key], duplicate=True))
            elif key in first_in_batch:
                continue  # answered below with the first one's message
            else:
                first_in_batch[key] = i
                fresh.append(i)

        refusals = await _refusals(conn, [ops[i] for i in fresh])
        accepted = []
        for i in fresh:
            error = refusals.get(id(ops[i]))
            if error is not None:
                outcomes[i] = Outcome(error=error)
            else:
                accepted.append(i)

        by_channel: dict[int, list[int]] = defaultdict(list)
        for i in accepted:
            by_channel[ops[i].channel_id].append(i)
        now = utcnow()
        rows: list[dict[str, Any]] = []
        last_seqs = await allocate_seqs(
            conn, {c: len(indexes) for c, indexes in by_channel.items()}
        )
        for channel_id, indexes in by_channel.items():
            last = last_seqs[channel_id]
            for offset, i in enumerate(indexes):
                op = ops[i]
                rows.append(
                    {
                        "channel_id": channel_id,
                        "seq": last - len(indexes) + 1 + offset,
                        "sender_id": op.sender.id,
                        "thread_root_id": op.thread_root_id,
                        "text": op.text,
                        "card": op.card,
                        "card_version": 1 if op.card is not None else 0,
                        "client_msg_id": op.client_msg_id,
                        "created_at": now,
                        "reply_count": 0,
                        "_index": i,
                    }
                )
        if rows:
            indexes = [row.pop("_index") for row in rows]
            # RETURNING the (channel, seq) key with the id maps rows back without asking
            # for parameter order, which SQLite can only honour one row at a time.
            inserted = await conn.execute(
                sa.insert(message_table).returning(
                    message_table.c.id, message_table.c.channel_id, message_table.c.seq
                ),
                rows,
            )
            ids = {(row.channel_id, row.seq): row.id for row in inserted}
            events_rows = []
            for row, i in zip(rows, indexes, strict=True):
                out = MessageOut(
                    id=ids[(row["channel_id"], row["seq"])],
                    channel_id=row["channel_id"],
                    seq=row["seq"],
                    sender_id=row["sender_id"],
                    thread_root_id=row["thread_root_id"],
                    text=row["text"],
                    card=row["card"],
                    card_version=row["card_version"],
                    client_msg_id=row["client_msg_id"],
                    created_at=now,
                )
                frame = MessageNew(channel_id=out.channel_id, seq=out.seq, message=out).encode()
                events_rows.append(
                    {
                        "channel_id": out.channel_id,
                        "seq": out.seq,
                        "type": "message.new",
                        "frame": frame,
                        "created_at": now,
                    }
                )
                outcomes[i] = Outcome(
                    value=SentMessage(out, duplicate=False),
                    events=[LoggedEvent(out.channel_id, out.seq, "message.new", frame)],
                )
            await conn.execute(sa.insert(channel_event_table), events_rows)
            for i in indexes:
                sent = outcomes[i]
                if sent is not None and sent.value is not None and sent.value.message.card:
                    message = sent.value.message
                    sent.inbox_changed |= await set_awaiting(
                        conn,
                        message.id,
                        card=message.card,
                        bot_id=message.sender_id,
                        channel_id=message.channel_id,
                    )
            await _count_replies(conn, [ops[i] for i in indexes], now)
            await _store_mentions(conn, [(ops[i], outcomes[i]) for i in indexes])

        # Repeats inside this batch get the first one's answer, as a duplicate.
        for j, op in enumerate(ops):
            if outcomes[j] is None:
                first = outcomes[first_in_batch[(op.sender.id or 0, op.client_msg_id)]]
                assert first is not None
                if first.error is not None or first.value is None:
                    outcomes[j] = Outcome(error=first.error)
                else:
                    outcomes[j] = Outcome(value=SentMessage(first.value.message, duplicate=True))
        return [outcome for outcome in outcomes if outcome is not None]


def _pairs_in(
    first: sa.ColumnElement[Any], second: sa.ColumnElement[Any], pairs: set[tuple[Any, Any]]
) -> sa.ColumnElement[bool]:
    """`first IN (...) AND second IN (...)`: a superset of the pairs that both SQLite and
    PostgreSQL answer from a two-column index (SQLite scans for a row-value IN). Callers
    keep only the exact pairs."""
    return sa.and_(first.in_({a for a, _ in pairs}), second.in_({b for _, b in pairs}))


async def _existing_by_client_id(
    conn: AsyncConnection, ops: Sequence[SendMessage]
) -> dict[tuple[int, str], MessageOut]:
    pairs = {(op.sender.id or 0, op.client_msg_id) for op in ops}
    rows = await conn.execute(
        sa.select(message_table).where(
            _pairs_in(message_table.c.sender_id, message_table.c.client_msg_id, pairs)
        )
    )
    found = [row for row in rows if (row.sender_id, row.client_msg_id) in pairs]
    reactions = await reactions_for(conn, [row.id for row in found])
    return {
        (row.sender_id, row.client_msg_id): message_out(row, reactions.get(row.id)) for row in found
    }


async def _refusals(conn: AsyncConnection, ops: Sequence[SendMessage]) -> dict[int, HubError]:
    """Check, inside the writing transaction, that each sender may post where they post."""
    if not ops:
        return {}
    channel_ids = {op.channel_id for op in ops}
    channels = {
        row.id: row
        for row in await conn.execute(
            sa.select(channel_table.c.id, channel_table.c.kind, channel_table.c.archived).where(
                channel_table.c.id.in_(channel_ids)
            )
        )
    }
    wanted = {(op.channel_id, op.on_behalf_of or op.sender.id or 0) for op in ops}
    members = {
        (row.channel_id, row.person_id)
        for row in await conn.execute(
            sa.select(membership_table.c.channel_id, membership_table.c.person_id).where(
                _pairs_in(membership_table.c.channel_id, membership_table.c.person_id, wanted)
            )
        )
    } & wanted
    sender_ids = {op.sender.id for op in ops}
    active = {
        row.id
        for row in await conn.execute(
            sa.select(person_table.c.id).where(
                person_table.c.id.in_(sender_ids), person_table.c.active.is_(True)
            )
        )
    }
    root_ids = {op.thread_root_id for op in ops if op.thread_root_id is not None}
    roots = {}
    if root_ids:
        roots = {
            row.id: row
            for row in await conn.execute(
                sa.select(
                    message_table.c.id, message_table.c.channel_id, message_table.c.thread_root_id
                ).where(message_table.c.id.in_(root_ids))
            )
        }
    # A card may wait only for people who exist (hub.inbox); refused here, per message.
    unknown = await unknown_people(conn, {i for op in ops for i in awaited_in(op.card)})
    refusals: dict[int, HubError] = {}
    for op in ops:
        # A bot posting for the person who invoked it posts where that person may.
        member = (op.channel_id, op.on_behalf_of or op.sender.id) in members
        try:
            check_account_active(op.sender.id in active, done="sent")
            check_may_post(op.sender, op.channel_id, channels.get(op.channel_id), member=member)
            if op.thread_root_id is not None:
                _check_thread_root(op.channel_id, op.thread_root_id, roots.get(op.thread_root_id))
            strangers = unknown.intersection(awaited_in(op.card))
            if strangers:
                raise awaiting_unknown(min(strangers))
        except HubError as refused:
            refusals[id(op)] = refused
    return refusals


def _check_thread_root(channel_id: int, root_id: int, root: Any) -> None:
    """A reply goes to a thread root of the same channel, never to another reply."""
    if root is None or root.channel_id != channel_id:
        raise message_not_found(root_id)
    if root.thread_root_id is not None:
        raise HubError(
            ErrorCode.validation_failed,
            f"Message {root_id} is itself a reply; reply to its thread root {root.thread_root_id}.",
        )


async def _count_replies(conn: AsyncConnection, ops: Sequence[SendMessage], now: datetime) -> None:
    counts: dict[int, int] = defaultdict(int)
    for op in ops:
        if op.thread_root_id is not None:
            counts[op.thread_root_id] += 1
    for root_id, count in counts.items():
        await conn.execute(
            sa.update(message_table)
            .where(message_table.c.id == root_id)
            .values(reply_count=message_table.c.reply_count + count, last_reply_at=now)
        )


async def _store_mentions(
    conn: AsyncConnection, sent: Sequence[tuple[SendMessage, Outcome[Any] | None]]
) -> None:
    wanted: dict[int, set[str]] = {}
    for op, outcome in sent:
        if "@" not in op.text:  # the common case, without running the pattern
            continue
        names = {m.lower() for m in MENTION.findall(op.text)}
        if names and outcome is not None and outcome.value is not None:
            wanted[outcome.value.message.id] = names
    if not wanted:
        return
    all_names = set().union(*wanted.values())
    people = {
        row.username: row.id
        for row in await conn.execute(
            sa.select(person_table.c.id, person_table.c.username).where(
                person_table.c.username.in_(sorted(all_names))
            )
        )
    }
    rows = []
    for op, outcome in sent:
        if outcome is None or outcome.value is None:
            continue
        message = outcome.value.message
        for name in wanted.get(message.id, ()):
            person_id = people.get(name)
            if person_id is not None and person_id != op.sender.id:
                rows.append(
                    {
                        "message_id": message.id,
                        "person_id": person_id,
                        "channel_id": message.channel_id,
                        "seq": message.seq,
                    }
                )
    if rows:
        # Only members are badged; a mention of someone outside the channel counts for nothing.
        mentioned = {(row["channel_id"], row["person_id"]) for row in rows}
        member_pairs = {
            (r.channel_id, r.person_id)
            for r in await conn.execute(
                sa.select(membership_table.c.channel_id, membership_table.c.person_id).where(
                    _pairs_in(
                        membership_table.c.channel_id, membership_table.c.person_id, mentioned
                    )
                )
            )
        } & mentioned
        rows = [row for row in rows if (row["channel_id"], row["person_id"]) in member_pairs]
        if rows:
            await conn.execute(sa.insert(mention_table), rows)


async def _load_live_message(conn: AsyncConnection, message_id: int) -> Any:
    row = (
        await conn.execute(sa.select(message_table).where(message_table.c.id == message_id))
    ).first()
    if row is None:
        raise message_not_found(message_id)
    return row


async def _role_in(conn: AsyncConnection, channel_id: int, person_id: int) -> str | None:
    """The person's membership role in the channel; None if not a member."""
    role: str | None = (
        await conn.execute(
            sa.select(membership_table.c.role).where(
                membership_table.c.channel_id == channel_id,
                membership_table.c.person_id == person_id,
            )
        )
    ).scalar_one_or_none()
    return role


@dataclass(eq=False)
class EditMessage(SingleOperation[MessageOut]):
    message_id: int
    editor_id: int
    text: str

    def actor_id(self) -> int:
        return self.editor_id

    async def apply(self, conn: AsyncConnection) -> Outcome[MessageOut]:
        row = await _load_live_message(conn, self.message_id)
        check_may_edit(self.editor_id, row)
        await conn.execute(
            sa.update(message_table)
            .where(message_table.c.id == self.message_id)
            .values(text=self.text, edited_at=utcnow())
        )
        row = await _load_live_message(conn, self.message_id)
        out = message_out(row, (await reactions_for(conn, [row.id])).get(row.id))
        events = await append_events(
            conn,
            row.channel_id,
            [lambda seq: MessageEdited(channel_id=row.channel_id, seq=seq, message=out)],
        )
        return Outcome(value=out, events=events)


@dataclass(eq=False)
class DeleteMessage(SingleOperation[int]):
    message_id: int
    # Who deletes: the transaction checks again that they may (their own message, or any
    # as the channel's owner or an admin), with the same rule as the early check.
    deleter: Person

    def actor_id(self) -> int:
        return self.deleter.id or 0

    async def apply(self, conn: AsyncConnection) -> Outcome[int]:
        row = await _load_live_message(conn, self.message_id)
        role = await _role_in(conn, row.channel_id, self.deleter.id or 0)
        check_may_delete(self.deleter, row, role=role)
        # The content goes; the row stays so threads and the log keep their shape.
        await conn.execute(
            sa.update(message_table)
            .where(message_table.c.id == self.message_id)
            .values(deleted_at=utcnow(), text="", card=None)
        )
        # A deleted card waits for no one.
        changed = await set_awaiting(
            conn, row.id, card=None, bot_id=row.sender_id, channel_id=row.channel_id
        )
        events = await append_events(
            conn,
            row.channel_id,
            [
                lambda seq: MessageDeleted(
                    channel_id=row.channel_id,
                    seq=seq,
                    message_id=row.id,
                    thread_root_id=row.thread_root_id,
                )
            ],
        )
        return Outcome(value=events[0].seq, events=events, inbox_changed=changed)


@dataclass(eq=False)
class ChangeReaction(SingleOperation[int | None]):
    """Add or remove one person's emoji on a message; doing what is already done changes nothing."""

    message_id: int
    person_id: int
    emoji: str
    add: bool

    def actor_id(self) -> int:
        return self.person_id

    async def apply(self, conn: AsyncConnection) -> Outcome[int | None]:
        row = await _load_live_message(conn, self.message_id)
        check_may_react(row)
        key = sa.and_(
            reaction_table.c.message_id == self.message_id,
            reaction_table.c.person_id == self.person_id,
            reaction_table.c.emoji == self.emoji,
        )
        exists = (await conn.execute(sa.select(sa.literal(1)).where(key))).first() is not None
        if exists == self.add:
            return Outcome(value=None)
        if self.add:
            await conn.execute(
                sa.insert(reaction_table).values(
                    message_id=self.message_id,
                    person_id=self.person_id,
                    emoji=self.emoji,
                    created_at=utcnow(),
                )
            )
        else:
            await conn.execute(sa.delete(reaction_table).where(key))
        event_type = ReactionAdded if self.add else ReactionRemoved
        events = await append_events(
            conn,
            row.channel_id,
            [
                lambda seq: event_type(
                    channel_id=row.channel_id,
                    seq=seq,
                    message_id=row.id,
                    person_id=self.person_id,
                    emoji=self.emoji,
                )
            ],
        )
        return Outcome(value=events[0].seq, events=events)
