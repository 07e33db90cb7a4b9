"""upload grants: the people (a receiving bot, those it shares with) who may read an upload

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 13:10:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import hub.models


revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "upload_grant",
        sa.Column("upload_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("granted_by", sa.Integer(), nullable=False),
        sa.Column("created_at", hub.models.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["granted_by"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["upload_id"],
            ["upload.id"],
        ),
        sa.PrimaryKeyConstraint("upload_id", "person_id"),
    )
    with op.batch_alter_table("upload_grant", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_upload_grant_person_id"), ["person_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("upload_grant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_upload_grant_person_id"))

    op.drop_table("upload_grant")
