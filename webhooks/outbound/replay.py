"""Sending again on request: one delivery, an endpoint's deliveries since a time, a test event.

A replay is the same event under the same ``webhook-id``, so a receiver that already
processed it drops it; the retry schedule starts afresh. The test event is a real
``webhook.test`` event for one endpoint only, signed and logged like any other.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from core.models import Delivery, OutboxEvent, utcnow
from core.outbox import write_event
from webhooks.outbound.endpoints import get_endpoint
from webhooks.outbound.fanout import TEST_EVENT_TYPE, delivery_row, insert_deliveries

TEST_MESSAGE = "A test event from crmhub: your endpoint receives and verifies webhooks."


class DeliveryNotFound(LookupError):
    """No delivery has this id."""


class EndpointDisabled(ValueError):
    """A test event to a disabled endpoint would never leave; enable it first."""


def replay_delivery(session: Session, delivery_id: int, now: datetime | None = None) -> Delivery:
    """Queue one delivery to go out again now, whatever became of it."""
    delivery = session.get(Delivery, delivery_id)
    if delivery is None:
        raise DeliveryNotFound(f"no delivery {delivery_id}")
    delivery.status = "pending"
    delivery.attempts = 0
    delivery.next_attempt_at = now or utcnow()
    delivery.last_error = ""
    return delivery


def replay_since(
    session: Session, endpoint_id: int, since: datetime, now: datetime | None = None
) -> int:
    """Queue every delivery of the endpoint made at or after ``since``; returns the count."""
    get_endpoint(session, endpoint_id)
    result = session.execute(
        update(Delivery)
        .where(Delivery.endpoint_id == endpoint_id, Delivery.created_at >= since)
        .values(status="pending", attempts=0, next_attempt_at=now or utcnow(), last_error="")
    )
    return int(result.rowcount or 0)


def send_test_event(session: Session, endpoint_id: int, now: datetime | None = None) -> OutboxEvent:
    """Write a ``webhook.test`` event with one delivery, to this endpoint only."""
    endpoint = get_endpoint(session, endpoint_id)
    if not endpoint.enabled:
        raise EndpointDisabled("the endpoint is disabled; enable it to send a test event")
    now = now or utcnow()
    event = write_event(
        session,
        TEST_EVENT_TYPE,
        subject_type="webhook_endpoint",
        subject_id=endpoint.id,
        sequence=0,
        payload={"message": TEST_MESSAGE, "endpoint_id": endpoint.id},
    )
    event.dispatched_at = now  # never fanned out to other endpoints
    session.flush()
    insert_deliveries(session, [delivery_row(event.id, endpoint.id, now)])
    return event
