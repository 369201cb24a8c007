"""Emails, calls, marketing events and tickets, linked to customers and reps."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, utcnow

ACTIVITY_TYPES = ("email", "call", "meeting", "sms", "marketing", "ticket", "form", "note")


class Activity(Base):
    """One thing that happened; unique per (connector, external id) so it is logged once."""

    __tablename__ = "activities"
    # Activities of no single connector (an email seen in several mailboxes, a manual
    # note) are unique on their external id alone: NULLs never collide in the first key.
    __table_args__ = (
        UniqueConstraint("connector_id", "external_id"),
        Index(
            "uq_activities_external_id_unattached",
            "external_id",
            unique=True,
            sqlite_where=text("connector_id IS NULL"),
            postgresql_where=text("connector_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    connector_id: Mapped[int | None] = mapped_column(
        ForeignKey("connectors.id", ondelete="SET NULL")
    )
    external_id: Mapped[str] = mapped_column(String(255))
    type: Mapped[str] = mapped_column(String(16), index=True)
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    direction: Mapped[str] = mapped_column(String(16), default="")
    subject: Mapped[str] = mapped_column(String(500), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    duration_seconds: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(32), default="")
    url: Mapped[str] = mapped_column(String(2000), default="")
    thread_id: Mapped[str] = mapped_column(String(255), default="", index=True)
    participants: Mapped[list[Any]] = mapped_column(default=list)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    private: Mapped[str] = mapped_column(String(16), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ActivityCustomer(Base):
    __tablename__ = "activity_customers"

    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True
    )
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    # The source record whose key linked the activity, so a split can take it along.
    source_record_id: Mapped[int | None] = mapped_column(
        ForeignKey("source_records.id", ondelete="SET NULL"), index=True
    )


class ActivityRep(Base):
    __tablename__ = "activity_reps"

    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
