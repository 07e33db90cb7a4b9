"""card groups: the group key a bot posted each card with (linked cards, ctx.update_group)

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-04 17:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0011"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "card_group",
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("bot_id", sa.Integer(), nullable=False),
        sa.Column("group_key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.ForeignKeyConstraint(["bot_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["message_id"], ["message.id"]),
        sa.PrimaryKeyConstraint("message_id"),
    )
    with op.batch_alter_table("card_group", schema=None) as batch_op:
        batch_op.create_index("ix_card_group_bot_key", ["bot_id", "group_key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("card_group", schema=None) as batch_op:
        batch_op.drop_index("ix_card_group_bot_key")
    op.drop_table("card_group")
