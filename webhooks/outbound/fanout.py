"""Fan-out: each undispatched outbox event becomes one delivery per matching endpoint.

The deliveries and the event's ``dispatched_at`` are written in one transaction, and a
delivery is unique on (event, endpoint): a fan-out that runs twice, or on two workers at
once, creates nothing twice. On PostgreSQL the events are locked with SKIP LOCKED so
concurrent dispatchers take different events; SQLite serializes writers anyway.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.db import Database
from core.models import Delivery, OutboxEvent, WebhookEndpoint, utcnow
from webhooks.outbound.filters import matches

TEST_EVENT_TYPE = "webhook.test"  # sent to one endpoint on request, never fanned out
DEFAULT_BATCH = 500


@dataclass(frozen=True)
class FanOutResult:
    events: int
    deliveries: int


def fan_out(
    session: Session, *, limit: int = DEFAULT_BATCH, now: datetime | None = None
) -> FanOutResult:
    """Dispatch up to ``limit`` events in the caller's transaction."""
    now = now or utcnow()
    events = session.execute(
        select(OutboxEvent.id, OutboxEvent.type)
        .where(OutboxEvent.dispatched_at.is_(None))
        .order_by(OutboxEvent.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    if not events:
        return FanOutResult(0, 0)
    endpoints = session.execute(
        select(WebhookEndpoint.id, WebhookEndpoint.event_types).where(WebhookEndpoint.enabled)
    ).all()
    rows = _delivery_rows(events, endpoints, now)
    insert_deliveries(session, rows)
    session.execute(
        update(OutboxEvent)
        .where(OutboxEvent.id.in_([event.id for event in events]))
        .values(dispatched_at=now)
    )
    return FanOutResult(len(events), len(rows))


def dispatch_pending(
    database: Database, *, batch: int = DEFAULT_BATCH, budget_seconds: float = 20.0
) -> FanOutResult:
    """Fan out batch after batch, one transaction each, until done or out of time."""
    deadline = time.monotonic() + budget_seconds
    events = deliveries = 0
    while True:
        with database.session() as session:
            result = fan_out(session, limit=batch)
        events += result.events
        deliveries += result.deliveries
        if result.events < batch or time.monotonic() > deadline:
            return FanOutResult(events, deliveries)


def insert_deliveries(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Insert deliveries, skipping any (event, endpoint) pair that already has one."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = dialect_insert(Delivery.__table__).on_conflict_do_nothing(
        index_elements=["event_id", "endpoint_id"]
    )
    session.execute(statement, list(rows))


def delivery_row(event_id: int, endpoint_id: int, now: datetime) -> dict[str, Any]:
    """A new delivery, due at once (the first entry of every schedule is "immediately")."""
    return {
        "event_id": event_id,
        "endpoint_id": endpoint_id,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "last_error": "",
        "created_at": now,
        "updated_at": now,
    }


def _delivery_rows(
    events: Sequence[Row[Any]], endpoints: Sequence[Row[Any]], now: datetime
) -> list[dict[str, Any]]:
    return [
        delivery_row(event.id, endpoint.id, now)
        for event in events
        if event.type != TEST_EVENT_TYPE
        for endpoint in endpoints
        if matches(event.type, endpoint.event_types or [])
    ]
