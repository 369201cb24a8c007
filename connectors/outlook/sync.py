"""Syncing one Outlook mailbox: Graph delta over Inbox, then Sent Items.

The stream's cursor at rest holds each folder's deltaLink (``{"inbox": ...,
"sentitems": ...}``); while a run pages, it also holds the folder being read and its
nextLink, so a killed worker resumes at the last committed page. A folder without a
deltaLink starts a fresh delta (since ``backfill_days``, if set). An expired delta
token (410, syncStateNotFound) is CursorExpired: the framework drops the cursor and
resyncs the mailbox once; ``log_email`` is keyed on the message, so nothing doubles.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from connectors.base import Cursor, Page, SourceItem
from connectors.outlook.account import mailbox_client
from connectors.outlook.client import FOLDERS, GraphClient
from connectors.outlook.config import MicrosoftApp
from connectors.outlook.mailbox import Mailbox
from connectors.outlook.messages import is_removed, to_email_message
from connectors.sync.errors import Transient
from connectors.sync.runner import PageOutcome, StreamRun, run_stream
from core.activities.email import log_emails
from core.db import Database
from core.models import utcnow
from core.vault import Vault

STREAM = "mail"


def sync_connector(
    database: Database,
    vault: Vault,
    app: MicrosoftApp,
    connector_id: int,
    *,
    lease_ttl: timedelta = timedelta(minutes=2),
    run_id: int | None = None,
) -> StreamRun:
    """What the worker calls: load the mailbox, build its client, sync it."""
    with database.session() as session:
        mailbox = Mailbox.load(session, connector_id)
    client = mailbox_client(database, vault, app, mailbox)
    return sync_mailbox(database, client, mailbox, lease_ttl=lease_ttl, run_id=run_id)


def sync_mailbox(
    database: Database,
    client: GraphClient,
    mailbox: Mailbox,
    *,
    now: datetime | None = None,
    lease_ttl: timedelta = timedelta(minutes=2),
    run_id: int | None = None,
) -> StreamRun:
    """Run the mailbox's stream from its stored cursor to the end (framework rules apply)."""
    reader = DeltaReader(client, mailbox, now or utcnow())
    return run_stream(
        database,
        mailbox.connector_id,
        STREAM,
        fetch=reader.fetch,
        apply=lambda session, page: apply_page(session, mailbox, page),
        lease_ttl=lease_ttl,
        run_id=run_id,
    )


class DeltaReader:
    """Turns a cursor into the next Graph page; holds no state of its own between pages."""

    def __init__(self, client: GraphClient, mailbox: Mailbox, now: datetime) -> None:
        self.client = client
        self.mailbox = mailbox
        self.now = now

    def fetch(self, cursor: Cursor | None) -> Page:
        state = dict(cursor or {})
        folder = str(state.get("folder") or FOLDERS[0])
        url = state.get("url") or state.get(folder) or self._start(folder)
        page = self.client.delta_page(str(url))
        links: dict[str, Any] = {name: state.get(name) for name in FOLDERS}
        if page.next_link:
            following: Cursor | None = {**links, "folder": folder, "url": page.next_link}
        elif page.delta_link:
            links[folder] = page.delta_link
            later = FOLDERS[FOLDERS.index(folder) + 1 :]
            following = {**links, "folder": later[0], "url": None} if later else None
        else:
            raise Transient(f"a Graph delta page of {folder} had neither nextLink nor deltaLink")
        items = tuple(SourceItem(item, str(item.get("id", ""))) for item in page.items)
        return Page(items, following, checkpoint=links if following is None else None)

    def _start(self, folder: str) -> str:
        days = self.mailbox.backfill_days
        since = self.now - timedelta(days=days) if days else None
        return self.client.delta_start(folder, since)


def apply_page(session: Session, mailbox: Mailbox, page: Page) -> PageOutcome:
    """Log every message of the page in the page's transaction; deletions change nothing
    (an activity stays on the customer's history when the rep deletes the mail)."""
    payloads = [item.payload for item in page.items]
    messages = [to_email_message(p) for p in payloads if not is_removed(p)]
    counts = log_emails(session, messages, connector_id=mailbox.connector_id,
                        owner=mailbox.owner, user_id=mailbox.user_id)  # fmt: skip
    removed = len(payloads) - len(messages)
    if removed:
        counts["removed"] += removed
    return PageOutcome(len(messages), dict(counts))
