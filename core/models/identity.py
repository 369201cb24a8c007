"""What identity resolution remembers beside the customers: reviews, verdicts, merges.

A person's verdict is stored per pair of source records, not per customer, so it
survives later merges, splits and a full rebuild.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, utcnow

REVIEW_STATUSES = ("open", "same", "different", "merged", "superseded")
REVIEW_REASONS = ("probable_match", "key_conflict")


class ReviewItem(Base):
    """A possible duplicate for a person to confirm: a new record and its best candidate."""

    __tablename__ = "review_items"
    __table_args__ = (Index("ix_review_items_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default="open")
    reason: Mapped[str] = mapped_column(String(32))
    source_record_id: Mapped[int] = mapped_column(
        ForeignKey("source_records.id", ondelete="CASCADE"), index=True
    )
    candidate_record_id: Mapped[int] = mapped_column(
        ForeignKey("source_records.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[float | None]
    explanation: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str] = mapped_column(String(320), default="")


# The review queue, likeliest first: key conflicts, then the highest scores.
Index(
    "ix_review_items_likely",
    ReviewItem.status,
    ReviewItem.reason,
    ReviewItem.score.desc(),
    ReviewItem.id.desc(),
)


class NonMatch(Base):
    """ "Not the same person", said by someone about two source records (smaller id first)."""

    __tablename__ = "non_matches"
    __table_args__ = (UniqueConstraint("record_a_id", "record_b_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_a_id: Mapped[int] = mapped_column(ForeignKey("source_records.id", ondelete="CASCADE"))
    record_b_id: Mapped[int] = mapped_column(
        ForeignKey("source_records.id", ondelete="CASCADE"), index=True
    )
    actor: Mapped[str] = mapped_column(String(320), default="")
    reason: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CustomerMerge(Base):
    """One merge of a loser into a winner, with what moved, so it can be undone."""

    __tablename__ = "customer_merges"

    id: Mapped[int] = mapped_column(primary_key=True)
    winner_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    loser_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    actor: Mapped[str] = mapped_column(String(320), default="")
    reason: Mapped[str] = mapped_column(String(200), default="manual")
    source_record_ids: Mapped[list[Any]] = mapped_column(default=list)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    undone_at: Mapped[datetime | None]
    undone_by: Mapped[str] = mapped_column(String(320), default="")


class SharedKey(Base):
    """A match key demoted because distinct people share it (switchboard, shared inbox)."""

    __tablename__ = "shared_keys"

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[str] = mapped_column(String(320), primary_key=True)
    people: Mapped[int] = mapped_column(default=0)
    demoted_at: Mapped[datetime] = mapped_column(default=utcnow)


class CommonKey(Base):
    """A match key many records hold, with its share of the store when last counted.

    Written by one pass over ``identity_keys`` now and then; read by every process so a
    resolve estimates a common key's holders from its share instead of counting them.
    """

    __tablename__ = "common_keys"

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[str] = mapped_column(String(320), primary_key=True)
    holders: Mapped[int]
    records: Mapped[int]  # the store's size (highest source record id) when counted
    counted_at: Mapped[datetime] = mapped_column(default=utcnow)
