"""Asking a worker to sync a mailbox now, from a page or right after it was connected.

A queued SyncRun is committed first so the mailbox page shows the sync as queued at
once; the task is sent by name after the commit (the worker reads the run).
"""

from __future__ import annotations

from dataclasses import dataclass

from kombu.exceptions import OperationalError as BrokerError
from sqlalchemy.orm import Session

from core.models import Connector
from web.context import hub
from web.ui.jobs import job_queue

BROKER_DOWN = (
    "The sync could not be queued: the job queue cannot be reached right now. "
    "Mailboxes are also synced every few minutes, so it will start on its own."
)


@dataclass(frozen=True)
class SyncRequest:
    queued: bool
    message: str


def request_sync(connector_id: int, *, after_connect: bool = False) -> SyncRequest:
    """Queue one sync; after a (re)connect, a run left queued from before does not block it."""
    # web.api imports web.ui.jobs, whose package imports this module: import when called.
    from web.api.sync_trigger import SYNC_QUEUE, SYNC_TASK, send_runs  # noqa: PLC0415

    with hub().database.session() as db:
        run_ids, busy = _queued_runs(db, connector_id)
    try:
        if run_ids:
            send_runs(connector_id, run_ids)
        elif after_connect:  # the worker records a run of its own
            job_queue().send_task(SYNC_TASK, args=[connector_id], queue=SYNC_QUEUE)
        else:
            return SyncRequest(False, busy)
    except BrokerError:
        return SyncRequest(False, BROKER_DOWN)
    return SyncRequest(True, "A sync of the mailbox has been queued.")


def _queued_runs(db: Session, connector_id: int) -> tuple[list[int], str]:
    from web.api.sync_trigger import SyncRefused, queue_sync  # noqa: PLC0415 - see above

    row = db.get(Connector, connector_id)
    if row is None:
        return [], "The mailbox no longer exists."
    try:
        return [run.id for run in queue_sync(db, row)], ""
    except SyncRefused:
        return [], "A sync of this mailbox is already queued or running."
