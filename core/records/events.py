"""Customer events for the outbox, numbered by the customer's version."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from core.models import Customer, OutboxEvent
from core.outbox import EventRow, add_event
from core.records.jsonsafe import json_safe

CUSTOMER_EVENTS = ("customer.created", "customer.updated", "customer.merged", "customer.split")


def customer_event(
    session: Session, customer: Customer, event_type: str, payload: Mapping[str, Any]
) -> OutboxEvent:
    """Write one event whose sequence is the customer's current version.

    Callers bump ``customer.version`` first (a new customer starts at 1), so receivers
    can drop an older event that arrives after a newer one.
    """
    return add_event(session, customer_event_row(customer, event_type, payload))


def customer_event_row(customer: Customer, event_type: str, payload: Mapping[str, Any]) -> EventRow:
    """The same event as a plain row, for callers writing many with ``write_events``."""
    return EventRow(
        event_type,
        "customer",
        customer.id,
        customer.version,
        {"id": customer.id, "version": customer.version, **json_safe(dict(payload))},
    )
