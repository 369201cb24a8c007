"""Outbound webhook tasks, driven by beat every few seconds and by each other.

The tasks take no arguments: the outbox and the deliveries table hold all the state,
so a lost or duplicated message only changes when the work happens, never whether.
``dispatch_outbox`` fans new events out and wakes ``deliver_due`` when it made
deliveries; ``deliver_due`` sends whatever is due (claims keep two workers apart).
"""

from __future__ import annotations

from typing import Any

from celery import shared_task

from webhooks.outbound import deliver_due as deliver_due_now
from webhooks.outbound import dispatch_pending
from worker import runtime
from worker.delivery_cap import CappedTask

RUN_BUDGET_SECONDS = 20.0


@shared_task(base=CappedTask, name="worker.tasks.deliver.dispatch_outbox")
def dispatch_outbox() -> dict[str, int]:
    """Turn undispatched outbox events into deliveries, then ask for them to be sent."""
    result = dispatch_pending(runtime.current().database, budget_seconds=RUN_BUDGET_SECONDS)
    if result.deliveries:
        deliver_due.delay()
    return {"events": result.events, "deliveries": result.deliveries}


@shared_task(base=CappedTask, name="worker.tasks.deliver.deliver_due")
def deliver_due() -> dict[str, Any]:
    """Send the deliveries that are due, batch after batch, within a time budget."""
    rt = runtime.current()
    stats = deliver_due_now(rt.database, rt.vault, rt.settings.outbound_allowlist)
    return {"batches": stats.batches, "attempts": stats.attempts, "succeeded": stats.succeeded}
