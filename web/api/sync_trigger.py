"""Starting a connector's sync on request: a queued SyncRun per stream, then a task each.

Only kinds that pull from a tool (``Connector.streams``) can sync. Data of the others is
pushed: the CSV importer's one stream reads a file someone uploaded (an import, not a
sync), forms post to us, and the "api" connector is fed by API calls. Asking them to
sync is refused with that reason. The task is sent by name, so the web process needs
none of the worker's code.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from connectors.registry import connector_class
from core.models import Connector, SyncRun
from web.ui.jobs import job_queue

SYNC_TASK = "worker.tasks.sync.sync_connector"
SYNC_QUEUE = "sync"
BUSY = ("queued", "running")


PUSHED = {
    "csvimport": "CSV files are imported when they are uploaded or given to 'crmhub import csv'",
    "forms": "forms post their submissions to crmhub as they happen",
    "api": "this connector holds what callers of the REST API create",
}


class SyncRefused(Exception):
    """This connector cannot sync now; the message says why."""


# Mailboxes are read by their own sync loop (connectors/<kind>/sync.py), one stream each.
MAILBOX_STREAMS = {"gmail": ("mail",), "outlook": ("mail",)}


def stream_names(kind: str) -> tuple[str, ...]:
    """The pull streams of a kind: none for pushed kinds, nor for kinds unknown here."""
    if kind in PUSHED:
        return ()
    if kind in MAILBOX_STREAMS:
        return MAILBOX_STREAMS[kind]
    try:
        return tuple(stream.name for stream in connector_class(kind).streams)
    except LookupError:
        return ()


def queue_sync(session: Session, connector: Connector) -> list[SyncRun]:
    """Queued runs, one per stream, in the caller's transaction; send them after commit."""
    names = stream_names(connector.kind)
    if not names:
        why = PUSHED.get(connector.kind, "its kind declares no streams")
        raise SyncRefused(
            f"Connector {connector.id} ({connector.kind}) has nothing to pull, so it cannot "
            f"sync: {why}."
        )
    busy = session.scalar(
        select(SyncRun.id).where(SyncRun.connector_id == connector.id, SyncRun.status.in_(BUSY))
    )
    if busy is not None:
        raise SyncRefused(f"Sync run {busy} of this connector is still queued or running.")
    runs = [SyncRun(connector_id=connector.id, stream=name, status="queued") for name in names]
    session.add_all(runs)
    session.flush()
    return runs


def send_runs(connector_id: int, run_ids: Sequence[int]) -> None:
    """One task per run, once the runs are committed and a worker can read them."""
    queue = job_queue()
    for run_id in run_ids:
        queue.send_task(SYNC_TASK, args=[connector_id], kwargs={"run_id": run_id}, queue=SYNC_QUEUE)
