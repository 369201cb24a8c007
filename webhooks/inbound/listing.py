"""What the admin pages show of the inbox: sources with their counts, recent events."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from connectors.registry import CONNECTORS
from core.models import Connector, InboundEvent

STATUSES = ("pending", "processing", "processed", "failed")


@dataclass(frozen=True)
class SourceSummary:
    connector_id: int
    name: str
    kind: str
    status: str
    auth: str
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class EventRow:
    id: int
    connector_id: int
    connector_name: str
    event_type: str
    status: str
    received_at: datetime
    processed_at: datetime | None
    attempts: int
    error: str


def webhook_kinds() -> list[str]:
    return sorted(kind for kind, cls in CONNECTORS.items() if cls.takes_webhooks())


def inbound_sources(session: Session, kinds: list[str] | None = None) -> list[SourceSummary]:
    """Every connector that takes webhooks, with its events counted by status."""
    rows = session.scalars(
        select(Connector)
        .where(Connector.kind.in_(kinds if kinds is not None else webhook_kinds()))
        .order_by(Connector.name, Connector.id)
    ).all()
    counts: dict[int, dict[str, int]] = {row.id: {} for row in rows}
    tally = session.execute(
        select(InboundEvent.connector_id, InboundEvent.status, func.count())
        .where(InboundEvent.connector_id.in_(list(counts)))
        .group_by(InboundEvent.connector_id, InboundEvent.status)
    )
    for connector_id, status, number in tally:
        counts[connector_id][status] = int(number)
    return [
        SourceSummary(
            row.id,
            row.name,
            row.kind,
            row.status,
            str((row.settings or {}).get("auth", "")),
            counts[row.id],
        )
        for row in rows
    ]


def recent_events(
    session: Session,
    *,
    connector_id: int | None = None,
    status: str | None = None,
    limit: int = 100,
) -> list[EventRow]:
    """The newest events first, optionally of one source or one status."""
    query = select(
        InboundEvent.id,
        InboundEvent.connector_id,
        Connector.name,
        InboundEvent.event_type,
        InboundEvent.status,
        InboundEvent.received_at,
        InboundEvent.processed_at,
        InboundEvent.attempts,
        InboundEvent.error,
    ).join(Connector, Connector.id == InboundEvent.connector_id)
    if connector_id is not None:
        query = query.where(InboundEvent.connector_id == connector_id)
    if status is not None:
        query = query.where(InboundEvent.status == status)
    rows = session.execute(query.order_by(InboundEvent.id.desc()).limit(limit))
    return [EventRow(*row) for row in rows]
