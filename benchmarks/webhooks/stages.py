"""Where the end-to-end time went, read from the timestamps the pipeline stores.

Each stage's spread comes from its own table, so the figures say which hop to work
on: waiting for a worker to claim the event, applying it, waiting for the outbox
dispatcher, and sending the delivery.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select

from benchmarks.webhooks.load import percentile
from core.db import Database
from core.models import Delivery, InboundEvent, OutboxEvent

Stage = tuple[float, float]  # p50, p95 in milliseconds


def stage_latencies(database: Database) -> dict[str, Stage]:
    """p50/p95 of each hop, in milliseconds."""
    with database.session() as session:
        inbound = session.execute(
            select(InboundEvent.received_at, InboundEvent.queued_at, InboundEvent.processed_at)
        ).all()
        outbox = session.execute(
            select(OutboxEvent.created_at, OutboxEvent.dispatched_at).where(
                OutboxEvent.type == "activity.logged"
            )
        ).all()
        deliveries = session.execute(select(Delivery.created_at, Delivery.updated_at)).all()
    return {
        "received -> claimed": _spread((r.received_at, r.queued_at) for r in inbound),
        "claimed -> applied": _spread((r.queued_at, r.processed_at) for r in inbound),
        "outbox -> fanned out": _spread((r.created_at, r.dispatched_at) for r in outbox),
        "fanned out -> sent": _spread((r.created_at, r.updated_at) for r in deliveries),
    }


def _spread(pairs: Iterable[tuple[datetime | None, datetime | None]]) -> Stage:
    spans = [(end - start).total_seconds() for start, end in pairs if start and end]
    return percentile(spans, 0.50) * 1000, percentile(spans, 0.95) * 1000
