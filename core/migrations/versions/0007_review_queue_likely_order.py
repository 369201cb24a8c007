"""review items: an index for the queue read likeliest first

A large import queues hundreds of thousands of possible duplicates; the queue page can
now list them key conflicts first, then by score, and this index serves that order
without sorting the open items on every page.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 15:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_review_items_likely",
        "review_items",
        ["status", "reason", sa.text("score DESC"), sa.text("id DESC")],
    )


def downgrade() -> None:
    op.drop_index("ix_review_items_likely", table_name="review_items")
