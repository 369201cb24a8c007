"""Claiming due deliveries so that two workers never send the same attempt at once.

A claim moves ``next_attempt_at`` forward by a lease and counts the attempt, in one short
transaction. Other workers see the delivery as not due until the lease runs out. The
lease's end doubles as the claim token: the result is written only where
``next_attempt_at`` still equals it, so a worker that overran its lease cannot overwrite
the work of the one that took over. A worker killed mid-send simply never writes; when
the lease runs out the delivery is due again and goes out with the same ``webhook-id``.

On PostgreSQL the rows are picked with ``FOR UPDATE SKIP LOCKED``; on SQLite every write
transaction starts with ``BEGIN IMMEDIATE``, which serializes claims outright.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, select, update
from sqlalchemy.orm import Session

from core.models import Delivery, OutboxEvent, WebhookEndpoint
from webhooks.outbound.options import DeliveryOptions

LOST_LAST_ATTEMPT = "the last attempt was interrupted (the worker stopped) and none is left"


@dataclass(frozen=True)
class Claim:
    """One delivery this worker may send now, with everything the send needs."""

    delivery_id: int
    lease: datetime
    attempt: int  # 1 for the first attempt
    endpoint_id: int
    url: str
    secret_encrypted: str
    previous_secret_encrypted: str | None
    previous_secret_expires_at: datetime | None
    failing_since: datetime | None
    msg_id: str
    event_type: str
    created_at: datetime
    payload: dict[str, Any]
    sequence: int


def claim_due(session: Session, now: datetime, options: DeliveryOptions) -> list[Claim]:
    """Claim up to a batch of due deliveries of enabled endpoints, in the caller's transaction."""
    rows = session.execute(_due(now, options.batch_size)).all()
    lease = now + timedelta(seconds=options.lease_seconds)
    live = [row for row in rows if row.attempts < options.max_attempts]
    spent = [row.id for row in rows if row.attempts >= options.max_attempts]
    if live:
        session.execute(
            update(Delivery)
            .where(Delivery.id.in_([row.id for row in live]))
            .values(attempts=Delivery.attempts + 1, next_attempt_at=lease, updated_at=now)
        )
    if spent:
        session.execute(
            update(Delivery)
            .where(Delivery.id.in_(spent))
            .values(status="failed", next_attempt_at=None, last_error=LOST_LAST_ATTEMPT)
        )
    return [_claim(row, lease) for row in live]


def _due(now: datetime, limit: int) -> Any:
    return (
        select(
            Delivery.id,
            Delivery.attempts,
            Delivery.endpoint_id,
            WebhookEndpoint.url,
            WebhookEndpoint.secret_encrypted,
            WebhookEndpoint.previous_secret_encrypted,
            WebhookEndpoint.previous_secret_expires_at,
            WebhookEndpoint.failing_since,
            OutboxEvent.event_id,
            OutboxEvent.type,
            OutboxEvent.created_at,
            OutboxEvent.payload,
            OutboxEvent.sequence,
        )
        .join(WebhookEndpoint, WebhookEndpoint.id == Delivery.endpoint_id)
        .join(OutboxEvent, OutboxEvent.id == Delivery.event_id)
        .where(
            Delivery.status == "pending",
            Delivery.next_attempt_at <= now,
            WebhookEndpoint.enabled.is_(True),
        )
        .order_by(Delivery.next_attempt_at)
        .limit(limit)
        .with_for_update(of=Delivery, skip_locked=True)
    )


def _claim(row: Row[Any], lease: datetime) -> Claim:
    return Claim(
        delivery_id=row.id,
        lease=lease,
        attempt=row.attempts + 1,
        endpoint_id=row.endpoint_id,
        url=row.url,
        secret_encrypted=row.secret_encrypted,
        previous_secret_encrypted=row.previous_secret_encrypted,
        previous_secret_expires_at=row.previous_secret_expires_at,
        failing_since=row.failing_since,
        msg_id=row.event_id,
        event_type=row.type,
        created_at=row.created_at,
        payload=dict(row.payload or {}),
        sequence=row.sequence,
    )
