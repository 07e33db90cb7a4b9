"""scoped roles and out-of-office delegation; whom a card action was taken for

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 21:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from hub.models import UtcDateTime

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "scoped_role",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["department_id"], ["department.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("person_id", "role", "department_id"),
    )
    with op.batch_alter_table("scoped_role", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_scoped_role_department_id"), ["department_id"], unique=False
        )
    op.create_table(
        "delegation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("delegate_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["delegate_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("delegation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_delegation_delegate_id"), ["delegate_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_delegation_person_id"), ["person_id"], unique=False)
    with op.batch_alter_table("card_action", schema=None) as batch_op:
        batch_op.add_column(sa.Column("on_behalf_of", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_card_action_on_behalf_of_person", "person", ["on_behalf_of"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("card_action", schema=None) as batch_op:
        batch_op.drop_constraint("fk_card_action_on_behalf_of_person", type_="foreignkey")
        batch_op.drop_column("on_behalf_of")
    with op.batch_alter_table("delegation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delegation_person_id"))
        batch_op.drop_index(batch_op.f("ix_delegation_delegate_id"))
    op.drop_table("delegation")
    with op.batch_alter_table("scoped_role", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scoped_role_department_id"))
    op.drop_table("scoped_role")
