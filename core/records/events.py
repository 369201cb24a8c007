"""Customer events for the outbox, numbered by the customer's version."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from core.models import Customer, OutboxEvent
from core.outbox import write_event
from core.records.jsonsafe import json_safe

CUSTOMER_EVENTS = ("customer.created", "customer.updated", "customer.merged", "customer.split")


def customer_event(
    session: Session, customer: Customer, event_type: str, payload: Mapping[str, Any]
) -> OutboxEvent:
    """Write one event whose sequence is the customer's current version.

    Callers bump ``customer.version`` first (a new customer starts at 1), so receivers
    can drop an older event that arrives after a newer one.
    """
    return write_event(
        session,
        event_type,
        subject_type="customer",
        subject_id=customer.id,
        sequence=customer.version,
        payload={"id": customer.id, "version": customer.version, **json_safe(dict(payload))},
    )
