"""Queueing the processing of stored events, after their transaction has committed.

The event is already stored when this runs, so a broker that cannot be reached is no
reason to refuse it: the event is marked unqueued and the sweeper queues it on its next
round. The caller's 2xx stays true, because a 2xx means "stored".
"""

from __future__ import annotations

from flask import current_app
from kombu.exceptions import KombuError

from web.context import hub
from web.nudge import Nudger
from web.ui.jobs import job_queue
from webhooks.inbound import mark_unqueued

PROCESS_TASK = "worker.tasks.ingest.process_inbound"
NUDGER_KEY = "crmhub.inbound_nudger"


def queue_processing(connector_id: int, event_id: int, *, at_once: bool = False) -> bool:
    """Ask a worker to process the connector's pending events; False when not queued.

    Within a short window the request is folded into one trailing message (see
    web.nudge), which counts as queued: the event's queued time is set already.
    """
    try:
        if at_once:  # an admin's retry: one click, one message, no window to wait for
            _nudger().send_now(connector_id)
        else:
            _nudger().nudge(connector_id)
    except (KombuError, OSError) as exc:
        current_app.logger.warning(
            "inbound event %s stored but not queued (%s); the sweeper will queue it",
            event_id,
            type(exc).__name__,
        )
        mark_unqueued(hub().database, event_id)
        return False
    return True


def _nudger() -> Nudger:
    """One per app (per web process): its window spans the requests it serves."""
    nudger: Nudger | None = current_app.extensions.get(NUDGER_KEY)
    if nudger is None:
        queue = job_queue()

        def send(connector_id: int) -> None:
            queue.send_task(PROCESS_TASK, args=[connector_id], queue="ingest")

        nudger = Nudger(send)
        current_app.extensions[NUDGER_KEY] = nudger
    return nudger
