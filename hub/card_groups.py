"""Linked cards: a bot's cards of one request (the applicant's, each approver's, the CC'd),
found again by the group key the bot posted them with (`ctx.post(..., group="leave-42")`).

The key is the bot's own: two bots may use the same key and never see each other's cards.
A card joins its group in the transaction that posts it; `ctx.update_group` re-renders the
group's live cards in one handler transaction (hub.botkit.context). See docs/bots.md
("Linked cards").
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import Field, SQLModel

from hub.models import channel_table, membership_table, message_table

MAX_GROUP_KEY = 200


class CardGroup(SQLModel, table=True):
    """The group a bot's card belongs to (at most one), under the bot's own key."""

    __tablename__ = "card_group"
    __table_args__ = (sa.Index("ix_card_group_bot_key", "bot_id", "group_key"),)

    message_id: int = Field(foreign_key="message.id", primary_key=True)
    bot_id: int = Field(foreign_key="person.id")
    group_key: str = Field(max_length=MAX_GROUP_KEY)


card_group_table: sa.Table = CardGroup.__table__  # type: ignore[attr-defined]


def check_group_key(group: object) -> str:
    """The key as given, or ValueError saying what a key must be (a programmer's mistake)."""
    if not isinstance(group, str) or not group.strip() or len(group) > MAX_GROUP_KEY:
        raise ValueError(
            f"group= must be a non-blank string of at most {MAX_GROUP_KEY} characters that "
            f'names one request, like "leave-42"; got {group!r}.'
        )
    return group


async def add_to_group(conn: AsyncConnection, message_id: int, *, bot_id: int, group: str) -> None:
    await conn.execute(
        sa.insert(card_group_table).values(message_id=message_id, bot_id=bot_id, group_key=group)
    )


async def group_rows(conn: AsyncConnection, *, bot_id: int, group: str) -> list[Any]:
    """The group's live cards, oldest first: each row is the message's, with the channel's
    `channel_kind` and, for a direct message, `recipient_id` (the member who is not the bot)."""
    g = card_group_table.c
    m = message_table.c
    other = membership_table.alias("other")
    query = (
        sa.select(
            m.id,
            m.channel_id,
            m.card,
            m.card_version,
            channel_table.c.kind.label("channel_kind"),
            other.c.person_id.label("recipient_id"),
        )
        .select_from(
            card_group_table.join(message_table, m.id == g.message_id)
            .join(channel_table, channel_table.c.id == m.channel_id)
            .outerjoin(
                other,
                sa.and_(
                    channel_table.c.kind == "direct",
                    other.c.channel_id == m.channel_id,
                    other.c.person_id != bot_id,
                ),
            )
        )
        .where(
            g.bot_id == bot_id,
            g.group_key == group,
            m.deleted_at.is_(None),
        )
        .order_by(m.id)
    )
    return list(await conn.execute(query))
