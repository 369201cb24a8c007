"""Queueing the processing of stored events, after their transaction has committed.

The event is already stored when this runs, so a broker that cannot be reached is no
reason to refuse it: the event is marked unqueued and the sweeper queues it on its next
round. The caller's 2xx stays true, because a 2xx means "stored".
"""

from __future__ import annotations

from flask import current_app
from kombu.exceptions import KombuError

from web.context import hub
from web.ui.jobs import job_queue
from webhooks.inbound import mark_unqueued
from worker.tasks.ingest import process_inbound


def queue_processing(connector_id: int, event_id: int) -> bool:
    """Ask a worker to process the connector's pending events; False when not queued."""
    try:
        job_queue()
        process_inbound.delay(connector_id)
    except (KombuError, OSError) as exc:
        current_app.logger.warning(
            "inbound event %s stored but not queued (%s); the sweeper will queue it",
            event_id,
            type(exc).__name__,
        )
        mark_unqueued(hub().database, event_id)
        return False
    return True
