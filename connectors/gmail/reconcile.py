"""Proof that nothing is missing: the provider's ids for a window against what was logged.

Every message a sync saw has a ``mailbox_messages`` row (logged or skipped with its
reason). Reconciliation lists the mailbox's ids for the backfill window straight from
Gmail, finds the ones with no row — the gaps — and, by default, repairs them through the
same logging path, so a repaired message is logged exactly as a synced one would be.
The result is recorded as a sync run of stream "reconcile": done = accounted for,
total = what Gmail holds, which the mailbox page shows as "N of N accounted for".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from connectors.base import Page, SourceItem
from connectors.gmail.client import GmailClient
from connectors.gmail.sync import Mailbox, apply_page
from core.db import Database
from core.models import MailboxMessage, SyncRun, utcnow

STREAM = "reconcile"
CHUNK = 500


@dataclass(frozen=True)
class Reconciliation:
    provider: int  # messages Gmail lists in the window
    missing: tuple[str, ...]  # of those, the ones no sync had accounted for
    repaired: int

    @property
    def accounted(self) -> int:
        return self.provider - len(self.missing) + self.repaired


def reconcile_mailbox(
    database: Database,
    client: GmailClient,
    mailbox: Mailbox,
    *,
    repair: bool = True,
    now: datetime | None = None,
) -> Reconciliation:
    since = (now or utcnow()) - timedelta(days=mailbox.backfill_days)
    started = utcnow()
    ids = _provider_ids(client, f"after:{int(since.timestamp())}", mailbox.page_size)
    missing = _missing(database, mailbox.connector_id, ids)
    repaired = 0
    if repair:
        for start in range(0, len(missing), CHUNK):
            chunk = missing[start : start + CHUNK]
            found, gone = client.get_many(chunk)
            items = [SourceItem(found[i], i) for i in chunk if i in found]
            items += [SourceItem({"id": i, "gone": True}, i) for i in chunk if i in gone]
            with database.session() as session:
                repaired += apply_page(session, mailbox, Page(tuple(items), None)).done
    result = Reconciliation(len(ids), tuple(missing), repaired)
    _record(database, mailbox.connector_id, result, started)
    return result


def _provider_ids(client: GmailClient, query: str, page_size: int) -> list[str]:
    ids: list[str] = []
    token: str | None = None
    while True:
        page, token, _estimate = client.list_ids(query=query, page_token=token, page_size=page_size)
        ids.extend(page)
        if not token:
            return list(dict.fromkeys(ids))


def _missing(database: Database, connector_id: int, ids: list[str]) -> list[str]:
    known: set[str] = set()
    with database.session() as session:
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            known.update(
                session.scalars(
                    select(MailboxMessage.provider_id).where(
                        MailboxMessage.connector_id == connector_id,
                        MailboxMessage.provider_id.in_(chunk),
                    )
                )
            )
    return [i for i in ids if i not in known]


def _record(
    database: Database, connector_id: int, result: Reconciliation, started: datetime
) -> None:
    with database.session() as session:
        session.add(
            SyncRun(
                connector_id=connector_id,
                stream=STREAM,
                status="succeeded",
                started_at=started,
                finished_at=utcnow(),
                done=result.accounted,
                total=result.provider,
                counts={"missing": len(result.missing), "repaired": result.repaired},
                error=""
                if result.accounted == result.provider
                else (f"{result.provider - result.accounted} messages not accounted for"),
            )
        )
