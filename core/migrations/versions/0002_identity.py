"""identity: review queue, non-matches, merge history, shared keys, lineage columns

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 18:27:28.651101
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import core.models.base

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "shared_keys",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=320), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.Column("demoted_at", core.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kind", "value", name=op.f("pk_shared_keys")),
    )
    op.create_table(
        "customer_merges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("winner_id", sa.Integer(), nullable=False),
        sa.Column("loser_id", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=320), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column(
            "source_record_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "details",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", core.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("undone_at", core.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("undone_by", sa.String(length=320), nullable=False),
        sa.ForeignKeyConstraint(
            ["loser_id"],
            ["customers.id"],
            name=op.f("fk_customer_merges_loser_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["winner_id"],
            ["customers.id"],
            name=op.f("fk_customer_merges_winner_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_merges")),
    )
    with op.batch_alter_table("customer_merges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_customer_merges_loser_id"), ["loser_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_customer_merges_winner_id"), ["winner_id"], unique=False
        )

    op.create_table(
        "non_matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_a_id", sa.Integer(), nullable=False),
        sa.Column("record_b_id", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=320), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("created_at", core.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_a_id"],
            ["source_records.id"],
            name=op.f("fk_non_matches_record_a_id_source_records"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["record_b_id"],
            ["source_records.id"],
            name=op.f("fk_non_matches_record_b_id_source_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_non_matches")),
        sa.UniqueConstraint("record_a_id", "record_b_id", name=op.f("uq_non_matches_record_a_id")),
    )
    with op.batch_alter_table("non_matches", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_non_matches_record_b_id"), ["record_b_id"], unique=False
        )

    op.create_table(
        "review_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("source_record_id", sa.Integer(), nullable=False),
        sa.Column("candidate_record_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Double(), nullable=True),
        sa.Column(
            "explanation",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", core.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", core.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=320), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_record_id"],
            ["source_records.id"],
            name=op.f("fk_review_items_candidate_record_id_source_records"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_record_id"],
            ["source_records.id"],
            name=op.f("fk_review_items_source_record_id_source_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_items")),
    )
    with op.batch_alter_table("review_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_review_items_candidate_record_id"), ["candidate_record_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_review_items_source_record_id"), ["source_record_id"], unique=False
        )
        batch_op.create_index(
            "ix_review_items_status_created", ["status", "created_at"], unique=False
        )

    # Lookups by (kind, value) use the unique (kind, value, source_record_id) index;
    # a second index on the same leading columns only slowed bulk inserts.
    with op.batch_alter_table("identity_keys", schema=None) as batch_op:
        batch_op.drop_index("ix_identity_keys_kind_value")

    with op.batch_alter_table("activity_customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_record_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_activity_customers_source_record_id"), ["source_record_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_activity_customers_source_record_id_source_records"),
            "source_records",
            ["source_record_id"],
            ["id"],
            ondelete="SET NULL",
        )

    # Existing rows get values through temporary server defaults, dropped again below so
    # that the schema matches the models (which set these values in Python).
    with op.batch_alter_table("source_records", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "match_features",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=False,
                server_default=sa.text("'{}'"),
            )
        )
        batch_op.add_column(
            sa.Column(
                "content_updated_at",
                core.models.base.UTCDateTime(timezone=True),
                nullable=False,
                server_default=sa.func.current_timestamp(),
            )
        )
    with op.batch_alter_table("source_records", schema=None) as batch_op:
        batch_op.alter_column("match_features", server_default=None)
        batch_op.alter_column("content_updated_at", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("source_records", schema=None) as batch_op:
        batch_op.drop_column("content_updated_at")
        batch_op.drop_column("match_features")

    with op.batch_alter_table("identity_keys", schema=None) as batch_op:
        batch_op.create_index("ix_identity_keys_kind_value", ["kind", "value"], unique=False)

    with op.batch_alter_table("activity_customers", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_activity_customers_source_record_id_source_records"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_activity_customers_source_record_id"))
        batch_op.drop_column("source_record_id")

    with op.batch_alter_table("review_items", schema=None) as batch_op:
        batch_op.drop_index("ix_review_items_status_created")
        batch_op.drop_index(batch_op.f("ix_review_items_source_record_id"))
        batch_op.drop_index(batch_op.f("ix_review_items_candidate_record_id"))

    op.drop_table("review_items")
    with op.batch_alter_table("non_matches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_non_matches_record_b_id"))

    op.drop_table("non_matches")
    with op.batch_alter_table("customer_merges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customer_merges_winner_id"))
        batch_op.drop_index(batch_op.f("ix_customer_merges_loser_id"))

    op.drop_table("customer_merges")
    op.drop_table("shared_keys")
