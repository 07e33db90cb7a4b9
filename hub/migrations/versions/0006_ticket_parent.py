"""ticket parent: a WebSocket ticket names the session it was issued for

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 05:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("auth_token", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("parent_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("auth_token", schema=None) as batch_op:
        batch_op.drop_column("parent_hash")
