"""mailbox messages, private threads, unique unattached activities

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.models.base

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNATTACHED = sa.text("connector_id IS NULL")


def upgrade() -> None:
    op.create_table(
        "mailbox_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("connector_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.String(length=255), nullable=False),
        sa.Column("message_id", sa.String(length=998), nullable=False),
        sa.Column("sent_at", core.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("activity_id", sa.Integer(), nullable=True),
        sa.Column("skip_reason", sa.String(length=64), nullable=False),
        sa.Column("created_at", core.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activities.id"],
            name=op.f("fk_mailbox_messages_activity_id_activities"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["connector_id"],
            ["connectors.id"],
            name=op.f("fk_mailbox_messages_connector_id_connectors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mailbox_messages")),
        sa.UniqueConstraint(
            "connector_id", "provider_id", name=op.f("uq_mailbox_messages_connector_id")
        ),
    )
    with op.batch_alter_table("mailbox_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mailbox_messages_activity_id"), ["activity_id"], unique=False
        )
        batch_op.create_index(
            "ix_mailbox_messages_connector_sent", ["connector_id", "sent_at"], unique=False
        )
    op.create_table(
        "private_threads",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.String(length=255), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("created_at", core.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_private_threads_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "thread_id", name=op.f("pk_private_threads")),
    )
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.create_index(
            "uq_activities_external_id_unattached",
            ["external_id"],
            unique=True,
            sqlite_where=UNATTACHED,
            postgresql_where=UNATTACHED,
        )


def downgrade() -> None:
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_index("uq_activities_external_id_unattached")
    op.drop_table("private_threads")
    with op.batch_alter_table("mailbox_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_mailbox_messages_connector_sent")
        batch_op.drop_index(batch_op.f("ix_mailbox_messages_activity_id"))
    op.drop_table("mailbox_messages")
