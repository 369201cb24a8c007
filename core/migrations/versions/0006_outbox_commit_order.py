"""outbox events carry their transaction id: the event feed reads them in commit order

On PostgreSQL, ids come from a sequence when a row is inserted, not when it commits, so
a transaction that commits late can add an event with an id below one a poller has
already passed. Each event now records the id of the transaction that wrote it; the
feed serves only events of finished transactions, ordered by (transaction, id). On
SQLite, write transactions run one at a time, ids are commit order, and it stays 0.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 13:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRANSACTION_ID = "(pg_current_xact_id()::text)::bigint"


def upgrade() -> None:
    with op.batch_alter_table("outbox_events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("commit_txid", sa.BigInteger(), nullable=False, server_default="0")
        )
        batch_op.create_index("ix_outbox_events_commit_order", ["commit_txid", "id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"ALTER TABLE outbox_events ALTER COLUMN commit_txid SET DEFAULT {TRANSACTION_ID}"
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox_events", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_events_commit_order")
        batch_op.drop_column("commit_txid")
