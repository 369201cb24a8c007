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
from connectors.gmail.reconcile import reconcile_mailbox
from connectors.gmail.sync import Mailbox, sync_mailbox
from connectors.gmail.watch import ensure_watch
from connectors.gmail.watch import renew_watches as renew_gmail_watches
from connectors.outlook.account import mailbox_client as outlook_client
from connectors.outlook.client import GraphClient, GraphRequestFailed
from connectors.outlook.config import MicrosoftApp
from connectors.outlook.mailbox import Mailbox as OutlookMailbox
from connectors.outlook.subscriptions import (
    reauthorize,
    renew_if_due,
    stored_subscription,
    subscribe,
)
from connectors.outlook.sync import sync_connector as sync_outlook
from connectors.sync import NeedsReconnect, SyncBusy, SyncError
from connectors.sync.runner import close_queued
from core.models import Connector, utcnow
from worker import runtime
from worker.delivery_cap import CappedTask

log = logging.getLogger(__name__)
MAIL_KINDS = ("gmail", "outlook")
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
        kind = row.kind if row else ""
        skipped = _why_not(row)
        if skipped:  # a run queued for it must not stay "queued" and block the next one
            close_queued(session, run_id, f"not synced: {skipped}")
    if skipped:
        return {"skipped": skipped}
    lease = timedelta(seconds=rt.settings.sync_lease_seconds)
    try:
        if kind == "outlook":
            app = MicrosoftApp.from_settings(rt.settings.microsoft, rt.settings.microsoft_ca_bundle)
            run = sync_outlook(
                rt.database, rt.vault, app, connector_id, lease_ttl=lease, run_id=run_id
            )
        else:
            with rt.database.session() as session:
                mailbox = Mailbox.load(session, connector_id)
            client = mailbox_client(
                rt.database, rt.vault, GoogleApp.from_settings(rt.settings.google), connector_id
            )
            run = sync_mailbox(rt.database, client, mailbox, lease_ttl=lease, run_id=run_id)
            ensure_watch(rt.database, connector_id, rt.settings.gmail_push_topic, client)
    except SyncBusy:
        if attempt < BUSY_RETRIES:
            again = rt.settings.sync_lease_seconds + 1
            sync_connector.apply_async((connector_id, attempt + 1), countdown=again)
        return {"busy": True}
    except NeedsReconnect as error:  # recorded on the connector; retrying cannot help
        log.warning("mailbox %s needs a reconnect: %s", connector_id, error)
        return {"needs_reconnect": True}
    return {"done": run.done, "pages": run.pages, "resyncs": run.resyncs, **run.counts}


def _why_not(row: Connector | None) -> str:
    if row is None:
        return "the connector no longer exists"
    if row.kind not in MAIL_KINDS:
        return f"{row.kind} connectors are not synced"
    if row.status == "paused":
        return "the mailbox is paused"
    if row.status == "needs_reconnect":
        return "the mailbox must be connected again"
    return ""


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


@shared_task(base=CappedTask, name="worker.tasks.sync.renew_watches")
def renew_watches() -> dict[str, int]:
    """Gmail watches last 7 days; beat renews them daily. No topic set: polling only."""
    rt = runtime.current()
    app = GoogleApp.from_settings(rt.settings.google)
    return renew_gmail_watches(
        rt.database,
        rt.settings.gmail_push_topic,
        lambda connector_id: mailbox_client(rt.database, rt.vault, app, connector_id),
    )


@shared_task(base=CappedTask, name="worker.tasks.sync.reconcile_connector")
def reconcile_connector(connector_id: int) -> dict[str, Any]:
    """Compare a Gmail mailbox's window with what was accounted for; repair the gaps."""
    rt = runtime.current()
    with rt.database.session() as session:
        row = session.get(Connector, connector_id)
        if row is None or row.kind != "gmail" or row.status != "active":
            return {"skipped": True}
        mailbox = Mailbox.load(session, connector_id)
    client = mailbox_client(
        rt.database, rt.vault, GoogleApp.from_settings(rt.settings.google), connector_id
    )
    try:
        result = reconcile_mailbox(rt.database, client, mailbox)
    except NeedsReconnect:
        return {"needs_reconnect": True}
    return {
        "provider": result.provider,
        "missing": len(result.missing),
        "repaired": result.repaired,
    }


@shared_task(base=CappedTask, name="worker.tasks.sync.reconcile_mailboxes")
def reconcile_mailboxes() -> dict[str, int]:
    """Daily: every active Gmail mailbox proves it is complete (or is repaired)."""
    with runtime.current().database.session() as session:
        ids = session.scalars(
            select(Connector.id).where(Connector.kind == "gmail", Connector.status == "active")
        ).all()
    for connector_id in ids:
        reconcile_connector.delay(connector_id)
    return {"queued": len(ids)}


@shared_task(base=CappedTask, name="worker.tasks.sync.renew_outlook_subscriptions")
def renew_outlook_subscriptions() -> dict[str, int]:
    """Graph subscriptions for mail live at most ~3 days; beat renews the ones due within a
    day, several times a day, so one failed round still leaves time for the next."""
    rt = runtime.current()
    with rt.database.session() as session:
        ids = session.scalars(
            select(Connector.id).where(Connector.kind == "outlook", Connector.status == "active")
        ).all()
    tally = {"renewed": 0, "failed": 0}
    for connector_id in ids:
        try:
            renewed = renew_if_due(
                rt.database, rt.vault, _outlook_client(connector_id), connector_id, now=utcnow()
            )
        except (SyncError, GraphRequestFailed) as error:  # one mailbox must not stop the rest
            log.warning("outlook subscription of %s not renewed: %s", connector_id, error)
            tally["failed"] += 1
            continue
        tally["renewed"] += int(renewed)
    return tally


@shared_task(base=CappedTask, name="worker.tasks.sync.outlook_lifecycle")
def outlook_lifecycle(connector_id: int, action: str) -> dict[str, Any]:
    """What a Graph lifecycle event asks for: "recreate" (the subscription was removed:
    subscribe again, then sync what may have been missed), "reauthorize", or "sync"."""
    rt = runtime.current()
    with rt.database.session() as session:
        row = session.get(Connector, connector_id)
        if row is None or row.kind != "outlook" or row.status != "active":
            return {"skipped": True}
    record = stored_subscription(rt.database, rt.vault, connector_id) or {}
    try:
        if action == "recreate":
            subscribe(
                rt.database, rt.vault, _outlook_client(connector_id), connector_id,
                notification_url=record.get("notification_url") or _push_url(""),
                lifecycle_url=record.get("lifecycle_url") or _push_url("/lifecycle"),
            )  # fmt: skip
        elif action == "reauthorize" and record.get("id"):
            reauthorize(_outlook_client(connector_id), str(record["id"]))
        elif action not in ("sync", "reauthorize"):
            return {"skipped": True, "unknown_action": action}
    except NeedsReconnect as error:
        log.warning("mailbox %s needs a reconnect: %s", connector_id, error)
        return {"needs_reconnect": True}
    if action in ("recreate", "sync"):
        sync_connector.delay(connector_id)
    return {"done": action}


def _outlook_client(connector_id: int) -> GraphClient:
    rt = runtime.current()
    app = MicrosoftApp.from_settings(rt.settings.microsoft, rt.settings.microsoft_ca_bundle)
    with rt.database.session() as session:
        mailbox = OutlookMailbox.load(session, connector_id)
    return outlook_client(rt.database, rt.vault, app, mailbox)


def _push_url(suffix: str) -> str:
    return f"{runtime.current().settings.base_url.rstrip('/')}/push/graph{suffix}"
