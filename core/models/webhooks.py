"""Outbox events, outbound endpoints and deliveries, and the inbound event inbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, utcnow


class OutboxEvent(Base):
    """A domain event, written in the same transaction as the change that caused it."""

    __tablename__ = "outbox_events"
    __table_args__ = (Index("ix_outbox_events_commit_order", "commit_txid", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    type: Mapped[str] = mapped_column(String(64), index=True)
    subject_type: Mapped[str] = mapped_column(String(32), default="")
    subject_id: Mapped[int | None]
    sequence: Mapped[int] = mapped_column(default=0)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    dispatched_at: Mapped[datetime | None] = mapped_column(index=True)
    # The writing transaction's id on PostgreSQL (the database sets it; migration 0006),
    # 0 on SQLite: the event feed's order is (commit_txid, id). See web/api/events.py.
    commit_txid: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))


class WebhookEndpoint(Base):
    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(String(500), default="")
    event_types: Mapped[list[Any]] = mapped_column(default=list)
    enabled: Mapped[bool] = mapped_column(default=True)
    secret_encrypted: Mapped[str] = mapped_column(Text)
    previous_secret_encrypted: Mapped[str | None] = mapped_column(Text)
    previous_secret_expires_at: Mapped[datetime | None]
    disabled_reason: Mapped[str] = mapped_column(Text, default="")
    failing_since: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Delivery(Base):
    """One event to one endpoint; its retry schedule lives here, not in the broker."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("event_id", "endpoint_id"),
        Index("ix_deliveries_status_next", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("outbox_events.id", ondelete="CASCADE"))
    endpoint_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    last_status_code: Mapped[int | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class DeliveryAttempt(Base):
    __tablename__ = "delivery_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("deliveries.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)
    status_code: Mapped[int | None]
    latency_ms: Mapped[int | None]
    response_excerpt: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str] = mapped_column(Text, default="")


class InboundEvent(Base):
    """A webhook a tool sent us, stored before we answer 2xx; the dedupe key stops replays."""

    __tablename__ = "inbound_events"
    __table_args__ = (
        UniqueConstraint("connector_id", "dedupe_key"),
        Index("ix_inbound_events_status_received", "status", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    connector_id: Mapped[int] = mapped_column(ForeignKey("connectors.id", ondelete="CASCADE"))
    dedupe_key: Mapped[str] = mapped_column(String(255))
    event_type: Mapped[str] = mapped_column(String(100), default="")
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    headers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    queued_at: Mapped[datetime | None]
    processed_at: Mapped[datetime | None]
