"""common keys: the shares of keys many records hold, counted in one pass

A resolve counted the holders of each of its keys; a common one (a family name 28,000
records hold at a million customers) cost a read of all its index entries, in every
fresh worker and again every minute. The store's common keys are now counted together
now and then (hourly, and after a large import) and kept here; resolves read the
shares and count only the keys this table lacks.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 20:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.models.base

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "common_keys",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=320), nullable=False),
        sa.Column("holders", sa.Integer(), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("counted_at", core.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kind", "value", name=op.f("pk_common_keys")),
    )


def downgrade() -> None:
    op.drop_table("common_keys")
