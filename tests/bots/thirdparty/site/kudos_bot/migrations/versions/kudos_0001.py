"""kudos bot tables

Revision ID: kudos_0001
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "kudos_0001"
down_revision = None
branch_labels = ("kudos",)
depends_on = "0001"


def upgrade() -> None:
    op.create_table(
        "kudos_given",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("giver_id", sa.Integer(), nullable=False),
        sa.Column("receiver_id", sa.Integer(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("kudos_given")
