"""Claiming pending events so that two workers never process the same event at once.

A claim moves a batch from "pending" to "processing" in one short transaction, counts
the attempt, and stamps ``queued_at`` with the claim time (the lease starts there).
The attempt number is the claim's token: an outcome is written only where the event
is still "processing" at that attempt, so a worker that outlived its lease cannot
overwrite the work of the one that took over after the sweeper released the event.

On PostgreSQL rows are picked with ``FOR UPDATE SKIP LOCKED``; on SQLite every write
transaction starts with ``BEGIN IMMEDIATE``, which serializes claims outright.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.models import InboundEvent

GAVE_UP = "given up: processing was interrupted {attempts} times (the worker stopped each time)"


@dataclass(frozen=True)
class Claim:
    event_id: int
    connector_id: int
    attempt: int  # 1 for the first


def claim_batch(
    session: Session,
    now: datetime,
    *,
    batch_size: int,
    max_attempts: int,
    connector_id: int | None = None,
) -> list[Claim]:
    """Claim up to a batch of pending events, oldest first, in the caller's transaction."""
    query = select(InboundEvent.id, InboundEvent.connector_id, InboundEvent.attempts).where(
        InboundEvent.status == "pending"
    )
    if connector_id is not None:
        query = query.where(InboundEvent.connector_id == connector_id)
    query = query.order_by(InboundEvent.id).limit(batch_size).with_for_update(skip_locked=True)
    rows = session.execute(query).all()
    live = [row for row in rows if row.attempts < max_attempts]
    spent = [row for row in rows if row.attempts >= max_attempts]
    if live:
        session.execute(
            update(InboundEvent)
            .where(InboundEvent.id.in_([row.id for row in live]))
            .values(status="processing", attempts=InboundEvent.attempts + 1, queued_at=now)
        )
    for row in spent:
        session.execute(
            update(InboundEvent)
            .where(InboundEvent.id == row.id)
            .values(status="failed", error=GAVE_UP.format(attempts=row.attempts))
        )
    return [Claim(row.id, row.connector_id, row.attempts + 1) for row in live]


def settle(session: Session, claim: Claim, *, status: str, error: str, now: datetime) -> bool:
    """Write an outcome if the claim is still ours; False when another worker took over."""
    result = session.execute(
        update(InboundEvent)
        .where(
            InboundEvent.id == claim.event_id,
            InboundEvent.status == "processing",
            InboundEvent.attempts == claim.attempt,
        )
        .values(
            status=status,
            error=error,
            processed_at=now if status == "processed" else None,
        )
    )
    return bool(result.rowcount)


def settle_processed(session: Session, claims: Sequence[Claim], now: datetime) -> set[int]:
    """Mark a batch processed, one statement per attempt number; the event ids still ours."""
    by_attempt: dict[int, list[int]] = defaultdict(list)
    for claim in claims:
        by_attempt[claim.attempt].append(claim.event_id)
    ours: set[int] = set()
    for attempt, event_ids in by_attempt.items():
        statement = (
            update(InboundEvent)
            .where(
                InboundEvent.id.in_(event_ids),
                InboundEvent.status == "processing",
                InboundEvent.attempts == attempt,
            )
            .values(status="processed", error="", processed_at=now)
            .returning(InboundEvent.id)
            .execution_options(synchronize_session=False)
        )
        ours.update(session.scalars(statement))
    return ours
