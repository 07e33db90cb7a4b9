"""card awaiting: the people each live card is waiting for, the index of every inbox

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-04 13:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import hub.models

revision: str = "0009"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "card_awaiting",
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("bot_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("since", hub.models.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["bot_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["channel_id"], ["channel.id"]),
        sa.ForeignKeyConstraint(["message_id"], ["message.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("message_id", "person_id"),
    )
    with op.batch_alter_table("card_awaiting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_card_awaiting_person_id"), ["person_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("card_awaiting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_card_awaiting_person_id"))
    op.drop_table("card_awaiting")
