"""Mailbox sync tasks: one account per task, polled by beat, woken early by push.

A task carries only the connector id. Two messages for the same mailbox are harmless:
the second finds the sync lease taken and returns, and the running sync reads what
arrived meanwhile on its next pass, so push notifications need no debouncing here.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from celery import shared_task
from sqlalchemy import select

from connectors.gmail.account import mailbox_client
from connectors.gmail.config import GoogleApp
from connectors.gmail.sync import Mailbox, sync_mailbox
from connectors.sync import NeedsReconnect, SyncBusy
from core.models import Connector
from worker import runtime
from worker.delivery_cap import CappedTask

log = logging.getLogger(__name__)
MAIL_KINDS = ("gmail",)
BUSY_RETRIES = 2


@shared_task(base=CappedTask, name="worker.tasks.sync.sync_connector")
def sync_connector(
    connector_id: int, attempt: int = 0, run_id: int | None = None
) -> dict[str, Any]:
    """Sync one mailbox from its stored cursor to now.

    When another sync holds the account's lease, look again once that lease could have
    run out: a live sync will have renewed it (and this ends), a killed one has not.
    """
    rt = runtime.current()
    with rt.database.session() as session:
        row = session.get(Connector, connector_id)
        if row is None or row.status in ("paused", "needs_reconnect"):
            return {"skipped": row.status if row else "missing"}
        kind = row.kind
        mailbox = Mailbox.load(session, connector_id)
    if kind != "gmail":
        return {"skipped": f"no sync for {kind}"}
    try:
        client = mailbox_client(
            rt.database, rt.vault, GoogleApp.from_settings(rt.settings.google), connector_id
        )
        lease = timedelta(seconds=rt.settings.sync_lease_seconds)
        run = sync_mailbox(rt.database, client, mailbox, lease_ttl=lease, run_id=run_id)
    except SyncBusy:
        if attempt < BUSY_RETRIES:
            again = rt.settings.sync_lease_seconds + 1
            sync_connector.apply_async((connector_id, attempt + 1), countdown=again)
        return {"busy": True}
    except NeedsReconnect as error:  # recorded on the connector; retrying cannot help
        log.warning("mailbox %s needs a reconnect: %s", connector_id, error)
        return {"needs_reconnect": True}
    return {"done": run.done, "pages": run.pages, "resyncs": run.resyncs, **run.counts}


@shared_task(base=CappedTask, name="worker.tasks.sync.poll_mailboxes")
def poll_mailboxes() -> dict[str, int]:
    """The fallback when push is late or lost: every active mailbox, every few minutes."""
    with runtime.current().database.session() as session:
        ids = session.scalars(
            select(Connector.id).where(Connector.kind.in_(MAIL_KINDS), Connector.status == "active")
        ).all()
    for connector_id in ids:
        sync_connector.delay(connector_id)
    return {"queued": len(ids)}
