"""The outbox: domain events written in the caller's transaction, never on their own.

An event exists exactly when the change that caused it was committed; a dispatcher
reads undelivered rows later. Each event gets one stable id ("msg_" + a ULID), sent
as ``webhook-id`` on every delivery attempt so receivers can drop repeats.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from core.models import OutboxEvent

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
EVENT_ID_PREFIX = "msg_"


def ulid(now_ms: int | None = None) -> str:
    """26 characters: 48 bits of milliseconds then 80 random bits, sortable by time."""
    millis = int(time.time() * 1000) if now_ms is None else now_ms
    number = (millis & ((1 << 48) - 1)) << 80 | secrets.randbits(80)
    chars = []
    for _ in range(26):
        chars.append(_CROCKFORD[number & 31])
        number >>= 5
    return "".join(reversed(chars))


def new_event_id() -> str:
    """A unique event id, e.g. ``msg_01JD3Q…``."""
    return EVENT_ID_PREFIX + ulid()


def write_event(
    session: Session,
    event_type: str,
    *,
    subject_type: str,
    subject_id: int | None,
    sequence: int,
    payload: Mapping[str, Any],
) -> OutboxEvent:
    """Add one event to the session: it is committed or rolled back with the change."""
    event = OutboxEvent(
        event_id=new_event_id(),
        type=event_type,
        subject_type=subject_type,
        subject_id=subject_id,
        sequence=sequence,
        payload=dict(payload),
    )
    session.add(event)
    return event


@dataclass(frozen=True)
class EventRow:
    """An event to write in bulk: what ``write_event`` takes, as one value."""

    type: str
    subject_type: str
    subject_id: int | None
    sequence: int
    payload: Mapping[str, Any]


def add_event(session: Session, event: EventRow) -> OutboxEvent:
    """``write_event`` for an event already made into a row."""
    return write_event(
        session,
        event.type,
        subject_type=event.subject_type,
        subject_id=event.subject_id,
        sequence=event.sequence,
        payload=event.payload,
    )


def write_events(session: Session, events: Sequence[EventRow]) -> None:
    """Insert many events with one statement, in the caller's transaction."""
    if not events:
        return
    session.execute(
        insert(OutboxEvent.__table__),
        [
            {
                "event_id": new_event_id(),
                "type": event.type,
                "subject_type": event.subject_type,
                "subject_id": event.subject_id,
                "sequence": event.sequence,
                "payload": dict(event.payload),
            }
            for event in events
        ],
    )
