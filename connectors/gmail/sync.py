"""Syncing one Gmail mailbox: a backfill of the window, then history from its start.

The backfill pages ``messages.list`` (newest first, ``after:`` the window start) and
reads each page with batched gets; it remembers the mailbox's historyId from before it
began, so mail that arrives during a long backfill is caught by the first incremental
run. Incremental runs read ``history.list`` from the stored id; a 404 there is an
expired cursor, and the framework starts one backfill over.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from connectors.base import Cursor, Page, SourceItem
from connectors.gmail.client import GmailClient
from connectors.gmail.messages import to_email_message
from connectors.sync.runner import PageOutcome, StreamRun, run_stream
from core.activities.email import log_emails, record_gone
from core.db import Database
from core.models import Connector, utcnow

STREAM = "mail"
GONE = "deleted before it could be read"


@dataclass(frozen=True)
class Mailbox:
    connector_id: int
    owner: str  # the mailbox's address: direction is seen from here
    user_id: int | None
    backfill_days: int = 90
    page_size: int = 500

    @classmethod
    def load(cls, session: Session, connector_id: int) -> Mailbox:
        row = session.get(Connector, connector_id)
        if row is None:
            raise LookupError(f"connector {connector_id} not found")
        settings = row.settings or {}
        return cls(
            row.id,
            str(settings.get("email", row.name)).lower(),
            row.owner_id,
            int(settings.get("backfill_days", 90)),
            int(settings.get("page_size", 500)),
        )


def sync_mailbox(
    database: Database,
    client: GmailClient,
    mailbox: Mailbox,
    *,
    now: datetime | None = None,
    lease_ttl: timedelta = timedelta(minutes=2),
    run_id: int | None = None,
) -> StreamRun:
    """Run the mailbox's stream from its stored cursor to the end (framework rules apply)."""
    reader = _Reader(client, mailbox, now or utcnow())
    return run_stream(
        database,
        mailbox.connector_id,
        STREAM,
        fetch=reader.fetch,
        apply=lambda session, page: apply_page(session, mailbox, page),
        lease_ttl=lease_ttl,
        run_id=run_id,
    )


class _Reader:
    def __init__(self, client: GmailClient, mailbox: Mailbox, now: datetime) -> None:
        self.client = client
        self.mailbox = mailbox
        self.now = now

    def fetch(self, cursor: Cursor | None) -> Page:
        if cursor is None or cursor.get("phase") == "backfill":
            return self._backfill(cursor)
        return self._history(cursor)

    def _backfill(self, cursor: Cursor | None) -> Page:
        if cursor is None:
            profile = self.client.profile()
            since = self.now - timedelta(days=self.mailbox.backfill_days)
            cursor = {
                "phase": "backfill",
                "query": f"after:{int(since.timestamp())}",
                "page_token": None,
                "start_history_id": str(profile["historyId"]),
                "estimate": int(profile.get("messagesTotal", 0)),
            }
        ids, token, _estimate = self.client.list_ids(
            query=cursor["query"],
            page_token=cursor.get("page_token"),
            page_size=self.mailbox.page_size,
        )
        following = {**cursor, "page_token": token} if token else None
        done = {"history_id": cursor["start_history_id"]}
        return self._page(ids, following, done, total=cursor.get("estimate"))

    def _history(self, cursor: Cursor) -> Page:
        ids, token, newest = self.client.history(cursor["history_id"], cursor.get("page_token"))
        following = {**cursor, "page_token": token} if token else None
        return self._page(ids, following, {"history_id": newest}, total=None)

    def _page(
        self, ids: list[str], following: Cursor | None, done: Cursor, total: int | None
    ) -> Page:
        found, gone = self.client.get_many(ids) if ids else ({}, set())
        items = [SourceItem(found[i], i) for i in ids if i in found]
        items += [SourceItem({"id": i, "gone": True}, i) for i in ids if i in gone]
        if total is not None:
            items.append(SourceItem({"estimate": total}))
        return Page(tuple(items), following, checkpoint=done)


def apply_page(session: Session, mailbox: Mailbox, page: Page) -> PageOutcome:
    """Log every message of the page in the page's transaction; count the outcomes."""
    total: int | None = None
    gone = 0
    messages = []
    for item in page.items:
        payload: dict[str, Any] = item.payload
        if "estimate" in payload:
            total = int(payload["estimate"])
        elif payload.get("gone"):
            record_gone(session, connector_id=mailbox.connector_id,
                        provider_id=str(payload["id"]), reason=GONE)  # fmt: skip
            gone += 1
        else:
            messages.append(to_email_message(payload))
    counts = log_emails(session, messages, connector_id=mailbox.connector_id,
                        owner=mailbox.owner, user_id=mailbox.user_id)  # fmt: skip
    if gone:
        counts["skipped"] += gone
    return PageOutcome(len(messages) + gone, dict(counts), total=total)
