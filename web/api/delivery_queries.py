"""An endpoint's delivery log in keyset pages, newest first, each with its attempts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from core.models import Delivery, DeliveryAttempt, OutboxEvent
from web.api.cursors import Key, cursor_page


def list_deliveries(
    session: Session, endpoint_id: int, *, status: str | None, after: Key | None, limit: int
) -> dict[str, Any]:
    query = (
        select(Delivery, OutboxEvent.event_id, OutboxEvent.type)
        .join(OutboxEvent, OutboxEvent.id == Delivery.event_id)
        .where(Delivery.endpoint_id == endpoint_id)
    )
    if status is not None:
        query = query.where(Delivery.status == status)
    if after is not None:
        query = query.where(Delivery.id < after[0])
    rows = session.execute(query.order_by(Delivery.id.desc()).limit(limit + 1)).all()
    page = cursor_page(rows, limit, lambda row: (row.Delivery.id,), after)
    page["items"] = delivery_bodies(session, page["items"])
    return page


def delivery_rows(session: Session, delivery_ids: Sequence[int]) -> list[Row[Any]]:
    return list(
        session.execute(
            select(Delivery, OutboxEvent.event_id, OutboxEvent.type)
            .join(OutboxEvent, OutboxEvent.id == Delivery.event_id)
            .where(Delivery.id.in_(delivery_ids))
        ).all()
    )


def delivery_bodies(session: Session, rows: Sequence[Row[Any]]) -> list[dict[str, Any]]:
    attempts = _attempts(session, [row.Delivery.id for row in rows])
    return [
        {
            "id": delivery.id,
            "event_id": event_id,
            "event_type": event_type,
            "status": delivery.status,
            "attempt_count": len(attempts.get(delivery.id, [])),  # replays included
            "next_attempt_at": delivery.next_attempt_at,
            "last_status_code": delivery.last_status_code,
            "last_error": delivery.last_error,
            "created_at": delivery.created_at,
            "attempts": attempts.get(delivery.id, []),
        }
        for delivery, event_id, event_type in rows
    ]


def _attempts(session: Session, delivery_ids: list[int]) -> dict[int, list[DeliveryAttempt]]:
    found: dict[int, list[DeliveryAttempt]] = {}
    if not delivery_ids:
        return found
    attempts = session.scalars(
        select(DeliveryAttempt)
        .where(DeliveryAttempt.delivery_id.in_(delivery_ids))
        .order_by(DeliveryAttempt.at.desc(), DeliveryAttempt.id.desc())
    )
    for attempt in attempts:
        found.setdefault(attempt.delivery_id, []).append(attempt)
    return found
