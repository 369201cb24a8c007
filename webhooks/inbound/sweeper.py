"""The sweeper: anything stored but not processed is queued again, so nothing is lost.

A broker message can be lost (a Redis restart, a worker killed as a whole on the SQL
transport) or never sent (the broker was down when the event arrived). The inbox knows
better: an event still pending long after it was queued is queued again, and an event
whose claim outlived its lease (its worker died mid-batch) is released to pending.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from core.models import InboundEvent
from webhooks.inbound.options import InboxOptions


def release_expired_claims(session: Session, now: datetime, options: InboxOptions) -> int:
    """Events left "processing" past their lease go back to pending; returns how many."""
    cutoff = now - timedelta(seconds=options.lease_seconds)
    result = session.execute(
        update(InboundEvent)
        .where(InboundEvent.status == "processing", InboundEvent.queued_at < cutoff)
        .values(status="pending", queued_at=None)
    )
    return int(result.rowcount or 0)


def due_for_requeue(session: Session, now: datetime, options: InboxOptions) -> list[int]:
    """The connectors with events waiting too long; their events count as queued now."""
    cutoff = now - timedelta(seconds=options.requeue_after_seconds)
    stale = (
        InboundEvent.status == "pending",
        or_(InboundEvent.queued_at.is_(None), InboundEvent.queued_at < cutoff),
    )
    connector_ids = sorted(
        set(session.scalars(select(InboundEvent.connector_id).where(*stale).distinct()))
    )
    if connector_ids:
        session.execute(update(InboundEvent).where(*stale).values(queued_at=now))
    return connector_ids
