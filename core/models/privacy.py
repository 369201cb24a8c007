"""Erasure suppressions: what an erased customer was known by, kept only as a keyed hash."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, utcnow


class Suppression(Base):
    """One identity key of an erased customer, so no later sync or form brings it back.

    ``key_hash`` is a keyed hash of the normalized key (an email, an E.164 phone, a
    connector's external id), never the value itself.
    """

    __tablename__ = "suppressions"
    __table_args__ = (UniqueConstraint("kind", "key_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    key_hash: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(64), default="erasure")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
