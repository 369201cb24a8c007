"""Inbound webhook tasks: work off the inbox in batches, and sweep what was left behind.

The tasks carry at most a connector id: the inbox holds the events, so a lost or
repeated message only changes when the work happens, never whether or how often.
``process_inbound`` handles one batch, queues itself again while batches come back
full, and wakes the outbound dispatcher when it wrote events; ``sweep_inbound``
(beat) releases claims whose worker died and queues processing for events that
waited too long (their message was lost, or never sent).
"""

from __future__ import annotations

from typing import Any

from celery import shared_task

from core.models import utcnow
from webhooks.inbound import (
    InboxOptions,
    due_for_requeue,
    process_batch,
    release_expired_claims,
)
from worker import runtime
from worker.delivery_cap import CappedTask
from worker.tasks.deliver import dispatch_outbox

OPTIONS = InboxOptions()


@shared_task(base=CappedTask, name="worker.tasks.ingest.process_inbound")
def process_inbound(connector_id: int | None = None) -> dict[str, Any]:
    """Process one batch of pending events; a full batch queues the next one."""
    result = process_batch(runtime.current().database, connector_id=connector_id, options=OPTIONS)
    if result.full:
        process_inbound.delay(connector_id)
    if result.processed:  # their outbox events go out now, not at beat's next tick
        dispatch_outbox.delay()
    return {
        "claimed": result.claimed,
        "processed": result.processed,
        "failed": result.failed,
        "lost": result.lost,
    }


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
