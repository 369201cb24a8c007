"""inbound event type and queue time, erasure suppressions, API rate windows

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 09:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.models.base

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("inbound_events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("event_type", sa.String(length=100), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("queued_at", core.models.base.UTCDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("inbound_events", schema=None) as batch_op:
        batch_op.alter_column("event_type", server_default=None)

    op.create_table(
        "suppressions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("created_at", core.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suppressions")),
        sa.UniqueConstraint("kind", "key_hash", name=op.f("uq_suppressions_kind")),
    )
    op.create_table(
        "api_rate_windows",
        sa.Column("token_id", sa.Integer(), nullable=False),
        sa.Column("window_start", core.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["token_id"],
            ["api_tokens.id"],
            name=op.f("fk_api_rate_windows_token_id_api_tokens"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_id", "window_start", name=op.f("pk_api_rate_windows")),
    )
    with op.batch_alter_table("api_rate_windows", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_api_rate_windows_window_start"), ["window_start"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("api_rate_windows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_rate_windows_window_start"))
    op.drop_table("api_rate_windows")
    op.drop_table("suppressions")
    with op.batch_alter_table("inbound_events", schema=None) as batch_op:
        batch_op.drop_column("queued_at")
        batch_op.drop_column("event_type")
