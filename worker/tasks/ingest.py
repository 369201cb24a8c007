"""Inbound webhook tasks: work off the inbox in batches, and sweep what was left behind.

The tasks carry at most a connector id: the inbox holds the events, so a lost or
repeated message only changes when the work happens, never whether or how often.
``process_inbound`` works off batches, fans out the outbox events they wrote and wakes
the delivery task; ``sweep_inbound`` (beat) releases claims whose worker died and
queues processing for events that waited too long (their message was lost, or never
sent).
"""

from __future__ import annotations

import time
from typing import Any

from celery import shared_task

from core.models import utcnow
from webhooks.inbound import (
    InboxOptions,
    due_for_requeue,
    process_batch,
    release_expired_claims,
)
from webhooks.outbound import dispatch_pending
from worker import runtime
from worker.delivery_cap import CappedTask
from worker.tasks.deliver import deliver_due

OPTIONS = InboxOptions()
RUN_BUDGET_SECONDS = 2.0  # then queue again, so deliveries waiting for a worker get one


@shared_task(base=CappedTask, name="worker.tasks.ingest.process_inbound")
def process_inbound(connector_id: int | None = None) -> dict[str, Any]:
    """Process batches while they come back full, within a time budget.

    Each batch's outbox events are fanned out here at once (database work only) and the
    delivery task is woken: every hop through the broker adds its polling delay, so the
    hops are kept to the one that must leave this queue, sending.
    """
    database = runtime.current().database
    deadline = time.monotonic() + RUN_BUDGET_SECONDS
    totals = dict.fromkeys(("claimed", "processed", "failed", "lost"), 0)
    while True:
        result = process_batch(database, connector_id=connector_id, options=OPTIONS)
        for name in totals:
            totals[name] += getattr(result, name)
        if result.processed and dispatch_pending(database).deliveries:
            deliver_due.delay()
        if not result.full:
            return totals
        if time.monotonic() > deadline:  # let other work in; this queue's turn comes again
            process_inbound.delay(connector_id)
            return totals


@shared_task(base=CappedTask, name="worker.tasks.ingest.sweep_inbound")
def sweep_inbound() -> dict[str, int]:
    """Release expired claims, then queue processing for every connector left waiting."""
    now = utcnow()
    with runtime.current().database.session() as session:
        released = release_expired_claims(session, now, OPTIONS)
        connector_ids = due_for_requeue(session, now, OPTIONS)
    for connector_id in connector_ids:
        process_inbound.delay(connector_id)
    return {"released": released, "queued": len(connector_ids)}
