"""a sync lease per connector: one sync per account at a time

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 10:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.models.base

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("connectors", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("sync_owner", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column(
                "sync_lease_until", core.models.base.UTCDateTime(timezone=True), nullable=True
            )
        )
    with op.batch_alter_table("connectors", schema=None) as batch_op:
        batch_op.alter_column("sync_owner", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("connectors", schema=None) as batch_op:
        batch_op.drop_column("sync_lease_until")
        batch_op.drop_column("sync_owner")
