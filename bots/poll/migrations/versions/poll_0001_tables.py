"""poll bot tables

Revision ID: poll_0001
Revises:
Create Date: 2026-11-27 02:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import hub.botkit

revision: str = "poll_0001"
down_revision: str | None = None
# The poll bot's migrations are their own branch; they need the hub's first tables.
branch_labels: str | Sequence[str] | None = ("poll",)
depends_on: str | Sequence[str] | None = "0001"


def upgrade() -> None:
    op.create_table(
        "poll_poll",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("creator_id", sa.Integer(), nullable=False),
        sa.Column("question", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("locale", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("created_at", hub.botkit.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("message_id"),
    )
    op.create_table(
        "poll_vote",
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("option", sa.Integer(), nullable=False),
        sa.Column("at", hub.botkit.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["poll_id"], ["poll_poll.id"]),
        sa.PrimaryKeyConstraint("poll_id", "person_id"),
    )


def downgrade() -> None:
    op.drop_table("poll_vote")
    op.drop_table("poll_poll")
