"""The single customer record, the source records it is built from, and identity keys."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, utcnow


class Company(Base):
    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), default="")
    domain: Mapped[str | None] = mapped_column(String(253), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Customer(Base):
    """The golden record: one row per real person, recomputed from its source records.

    ``golden`` holds every golden field with its lineage (source record, rule, time);
    the flat columns mirror the fields that are searched and listed.
    """

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(300), default="", index=True)
    primary_email: Mapped[str | None] = mapped_column(String(320), index=True)
    primary_phone: Mapped[str | None] = mapped_column(String(32), index=True)
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id", ondelete="SET NULL"), index=True
    )
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    golden: Mapped[dict[str, Any]] = mapped_column(default=dict)
    pinned: Mapped[dict[str, Any]] = mapped_column(default=dict)
    version: Mapped[int] = mapped_column(default=1)
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)


class SourceRecord(Base):
    """One record as a tool sent it: raw payload, mapped fields, and its link."""

    __tablename__ = "source_records"
    __table_args__ = (UniqueConstraint("connector_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    connector_id: Mapped[int] = mapped_column(ForeignKey("connectors.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(255))
    raw: Mapped[dict[str, Any]] = mapped_column(default=dict)
    mapped: Mapped[dict[str, Any]] = mapped_column(default=dict)
    content_hash: Mapped[str] = mapped_column(String(64))
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    link_rule: Mapped[str] = mapped_column(String(64), default="")
    link_explanation: Mapped[dict[str, Any]] = mapped_column(default=dict)
    linked_at: Mapped[datetime | None]
    # What matching compares, computed once from ``mapped`` (see core.identity.features).
    match_features: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # When the content last changed: "most recent" survivorship must not see link moves.
    content_updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class IdentityKey(Base):
    """A normalized match key of a source record.

    Deterministic kinds ("email", "phone") link on their own; blocking kinds ("name",
    "postal_code", ...) only nominate candidates; "f_*" kinds count value frequencies
    for the Fellegi-Sunter u-probabilities. ``customer_id`` follows the source record.
    """

    __tablename__ = "identity_keys"
    # The unique constraint's index also serves lookups by (kind, value). On PostgreSQL
    # it carries customer_id too, so "who holds these keys" is read from the index alone:
    # a common name's few hundred holders were as many random reads of a 30M-row table.
    __table_args__ = (
        UniqueConstraint("kind", "value", "source_record_id", postgresql_include=["customer_id"]),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(320))
    source_record_id: Mapped[int] = mapped_column(
        ForeignKey("source_records.id", ondelete="CASCADE"), index=True
    )
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
