"""Card changes: every one bumps the message's `card_version` and is logged as `card.updated`.

The version is the lock: a change names the version it was made on, and the UPDATE that
bumps it matches only that version, so of two concurrent changes exactly one wins and the
other is refused with `card_stale` (carrying the current message so the client can
redraw). See docs/cards.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from hub.actions.messages import message_out, reactions_for
from hub.errors import ErrorCode, HubError, message_not_found
from hub.inbox import set_awaiting
from hub.models import card_action_table, message_table, utcnow
from hub.permissions import check_may_change_card
from hub.wire.server import CardUpdated, LoggedEvent, MessageOut
from hub.writer import Outcome, SingleOperation, append_events


def card_stale(current: MessageOut) -> HubError:
    return HubError(
        ErrorCode.card_stale,
        f"This card changed (it is now at version {current.card_version}) before your action "
        "arrived; nothing was done. Look at the current card and act again if still needed.",
        details={"message": current.model_dump(mode="json")},
    )


async def load_message(conn: AsyncConnection, message_id: int) -> MessageOut | None:
    row = (
        await conn.execute(sa.select(message_table).where(message_table.c.id == message_id))
    ).first()
    if row is None:
        return None
    reactions = await reactions_for(conn, [row.id])
    return message_out(row, reactions.get(row.id))


async def claim_card_version(conn: AsyncConnection, message_id: int, version: int) -> bool:
    """Move the card from `version` to the next one; False if it is no longer at `version`.

    On PostgreSQL the row stays locked until the transaction ends, so a second claim of
    the same version waits and then matches nothing; on SQLite writers are serialised.
    """
    result = await conn.execute(
        sa.update(message_table)
        .where(
            message_table.c.id == message_id,
            message_table.c.card_version == version,
            message_table.c.deleted_at.is_(None),
        )
        .values(card_version=message_table.c.card_version + 1)
    )
    return result.rowcount == 1


async def record_card_action(
    conn: AsyncConnection,
    *,
    message_id: int,
    version: int,
    person_id: int,
    action_id: str,
    values: dict[str, Any],
    on_behalf_of: int | None = None,
) -> None:
    await conn.execute(
        sa.insert(card_action_table).values(
            message_id=message_id,
            version=version,
            person_id=person_id,
            action_id=action_id,
            values=values,
            at=utcnow(),
            on_behalf_of=on_behalf_of,
        )
    )


async def action_taken_at(
    conn: AsyncConnection, message_id: int, version: int
) -> tuple[int, str] | None:
    """Who took which action on this version of the card, if anyone did."""
    row = (
        await conn.execute(
            sa.select(card_action_table.c.person_id, card_action_table.c.action_id).where(
                card_action_table.c.message_id == message_id,
                card_action_table.c.version == version,
            )
        )
    ).first()
    return (row.person_id, row.action_id) if row is not None else None


async def write_card(
    conn: AsyncConnection,
    message_id: int,
    card: dict[str, Any],
    *,
    text: str | None = None,
    by_id: int | None = None,
    action_id: str | None = None,
    inbox_changed: set[int] | None = None,
) -> tuple[MessageOut, list[LoggedEvent]]:
    """Store the card's new content (its version already claimed) and log `card.updated`;
    the people whose inbox that changes are added to `inbox_changed` (hub.inbox)."""
    values: dict[str, Any] = {"card": card}
    if text is not None:
        values["text"] = text
    await conn.execute(
        sa.update(message_table).where(message_table.c.id == message_id).values(**values)
    )
    message = await load_message(conn, message_id)
    assert message is not None
    changed = await set_awaiting(
        conn, message_id, card=card, bot_id=message.sender_id, channel_id=message.channel_id
    )
    if inbox_changed is not None:
        inbox_changed |= changed
    events = await append_events(
        conn,
        message.channel_id,
        [
            lambda seq: CardUpdated(
                channel_id=message.channel_id,
                seq=seq,
                message=message,
                by_id=by_id,
                action_id=action_id,
            )
        ],
    )
    return message, events


@dataclass(eq=False)
class UpdateCard(SingleOperation[MessageOut]):
    """A bot replaces its card (in-process through the context, or over HTTP with a bot token)."""

    message_id: int
    card: dict[str, Any]
    text: str | None = None
    expected_version: int | None = None  # None: whatever the current version is
    by_id: int | None = None  # the bot changing it: it must be the card's sender

    async def apply(self, conn: AsyncConnection) -> Outcome[MessageOut]:
        current = await load_message(conn, self.message_id)
        if current is None or current.deleted:
            raise message_not_found(self.message_id)
        if self.by_id is not None:
            check_may_change_card(self.by_id, current.sender_id)
        if current.card is None:
            raise HubError(
                ErrorCode.conflict,
                f"Message {self.message_id} has no card; edit its text instead.",
            )
        version = (
            self.expected_version if self.expected_version is not None else current.card_version
        )
        if not await claim_card_version(conn, self.message_id, version):
            raise card_stale(current)
        changed: set[int] = set()
        message, events = await write_card(
            conn,
            self.message_id,
            self.card,
            text=self.text,
            by_id=self.by_id,
            inbox_changed=changed,
        )
        return Outcome(value=message, events=events, inbox_changed=changed)


@dataclass(frozen=True)
class CardActionRecord:
    """One accepted action on a card, from the audit record `card_action`."""

    version: int
    action_id: str
    person_id: int
    values: dict[str, Any]
    at: datetime
    on_behalf_of: int | None = None  # whom person_id acted for, as their delegate


async def card_history(conn: AsyncConnection, message_id: int) -> list[CardActionRecord]:
    """Every action accepted on the card, oldest first (the order they changed it)."""
    c = card_action_table.c
    rows = await conn.execute(
        # `values` is also a method name on columns and rows: index it by name.
        sa.select(c.version, c.action_id, c.person_id, c["values"], c.at, c.on_behalf_of)
        .where(c.message_id == message_id)
        .order_by(c.version)
    )
    return [
        CardActionRecord(
            version=row.version,
            action_id=row.action_id,
            person_id=row.person_id,
            values=dict(row._mapping["values"] or {}),
            at=row.at,
            on_behalf_of=row.on_behalf_of,
        )
        for row in rows
    ]
