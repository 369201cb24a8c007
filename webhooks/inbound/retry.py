"""Retrying a failed event by hand, once its cause (a mapping, a setting) is fixed."""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.models import InboundEvent, utcnow


class EventNotFound(LookupError):
    """No inbound event has this id."""


class NotRetryable(ValueError):
    """Only failed events are retried; others are waiting, working or done."""


def retry_event(session: Session, event_id: int) -> InboundEvent:
    """Put a failed event back in the queue, in the caller's transaction.

    Its error is cleared and its attempts start again; the caller queues processing
    after the commit (and the sweeper does, should that message be lost).
    """
    event = session.get(InboundEvent, event_id)
    if event is None:
        raise EventNotFound(f"there is no inbound event {event_id}")
    if event.status != "failed":
        raise NotRetryable(f"inbound event {event_id} is {event.status}; only failed ones retry")
    event.status = "pending"
    event.error = ""
    event.attempts = 0
    event.processed_at = None
    event.queued_at = utcnow()
    return event
