"""Read-only views of endpoints and their delivery log, as the admin pages show them.

Plain frozen records, so nothing attached to a session leaves the query; counts come
from one grouped query instead of one per endpoint.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import Delivery, DeliveryAttempt, OutboxEvent, WebhookEndpoint
from webhooks.outbound.endpoints import get_endpoint

ATTEMPTS_SHOWN = 10  # per delivery; replays and retries can pile up more


@dataclass(frozen=True)
class EndpointSummary:
    id: int
    url: str
    description: str
    event_types: tuple[str, ...]
    enabled: bool
    disabled_reason: str
    failing_since: datetime | None
    previous_secret_expires_at: datetime | None
    created_at: datetime
    pending: int = 0
    failed: int = 0
    total: int = 0


@dataclass(frozen=True)
class AttemptRow:
    at: datetime
    status_code: int | None
    latency_ms: int | None
    response_excerpt: str
    error: str


@dataclass(frozen=True)
class DeliveryRow:
    id: int
    webhook_id: str  # the event id, sent as ``webhook-id`` on every attempt
    event_type: str
    status: str
    attempts: int  # in the current schedule run: a replay starts a new run at 0
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str
    created_at: datetime
    log: tuple[AttemptRow, ...] = ()
    older_attempts: int = 0  # attempts logged but not in ``log``

    @property
    def logged_attempts(self) -> int:
        """Every attempt made, across replays: what the delivery log counts."""
        return len(self.log) + self.older_attempts


@dataclass(frozen=True)
class DeliverySlice:
    rows: list[DeliveryRow] = field(default_factory=list)
    total: int = 0


def endpoint_summaries(session: Session) -> list[EndpointSummary]:
    """Every endpoint, oldest first, with its pending and failed delivery counts."""
    counts = _status_counts(session, None)
    endpoints = session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id))
    return [_summary(endpoint, counts.get(endpoint.id, {})) for endpoint in endpoints]


def endpoint_summary(session: Session, endpoint_id: int) -> EndpointSummary:
    """One endpoint with its counts; raises EndpointNotFound."""
    endpoint = get_endpoint(session, endpoint_id)
    return _summary(endpoint, _status_counts(session, endpoint_id).get(endpoint_id, {}))


def delivery_slice(session: Session, endpoint_id: int, offset: int, limit: int) -> DeliverySlice:
    """The endpoint's deliveries, latest first, each with its latest attempts."""
    total = session.scalar(
        select(func.count(Delivery.id)).where(Delivery.endpoint_id == endpoint_id)
    )
    rows = session.execute(
        select(Delivery, OutboxEvent.event_id, OutboxEvent.type)
        .join(OutboxEvent, OutboxEvent.id == Delivery.event_id)
        .where(Delivery.endpoint_id == endpoint_id)
        .order_by(Delivery.created_at.desc(), Delivery.id.desc())
        .offset(offset)
        .limit(limit)
    ).all()
    logs = _attempts(session, [row.Delivery.id for row in rows])
    deliveries = []
    for delivery, webhook_id, event_type in rows:
        attempts = logs.get(delivery.id, [])
        deliveries.append(
            DeliveryRow(
                id=delivery.id,
                webhook_id=webhook_id,
                event_type=event_type,
                status=delivery.status,
                attempts=delivery.attempts,
                next_attempt_at=delivery.next_attempt_at,
                last_status_code=delivery.last_status_code,
                last_error=delivery.last_error,
                created_at=delivery.created_at,
                log=tuple(attempts[:ATTEMPTS_SHOWN]),
                older_attempts=max(0, len(attempts) - ATTEMPTS_SHOWN),
            )
        )
    return DeliverySlice(deliveries, int(total or 0))


def _status_counts(session: Session, endpoint_id: int | None) -> dict[int, dict[str, int]]:
    query = select(Delivery.endpoint_id, Delivery.status, func.count(Delivery.id)).group_by(
        Delivery.endpoint_id, Delivery.status
    )
    if endpoint_id is not None:
        query = query.where(Delivery.endpoint_id == endpoint_id)
    counts: dict[int, dict[str, int]] = {}
    for owner, status, count in session.execute(query):
        counts.setdefault(owner, {})[status] = int(count)
    return counts


def _summary(endpoint: WebhookEndpoint, counts: dict[str, int]) -> EndpointSummary:
    return EndpointSummary(
        id=endpoint.id,
        url=endpoint.url,
        description=endpoint.description,
        event_types=tuple(endpoint.event_types or ()),
        enabled=endpoint.enabled,
        disabled_reason=endpoint.disabled_reason,
        failing_since=endpoint.failing_since,
        previous_secret_expires_at=endpoint.previous_secret_expires_at,
        created_at=endpoint.created_at,
        pending=counts.get("pending", 0),
        failed=counts.get("failed", 0),
        total=sum(counts.values()),
    )


def _attempts(session: Session, delivery_ids: Sequence[int]) -> dict[int, list[AttemptRow]]:
    """Attempts of the given deliveries, latest first."""
    if not delivery_ids:
        return {}
    found: dict[int, list[AttemptRow]] = {}
    attempts = session.scalars(
        select(DeliveryAttempt)
        .where(DeliveryAttempt.delivery_id.in_(delivery_ids))
        .order_by(DeliveryAttempt.at.desc(), DeliveryAttempt.id.desc())
    )
    for attempt in attempts:
        found.setdefault(attempt.delivery_id, []).append(
            AttemptRow(
                at=attempt.at,
                status_code=attempt.status_code,
                latency_ms=attempt.latency_ms,
                response_excerpt=attempt.response_excerpt,
                error=attempt.error,
            )
        )
    return found
