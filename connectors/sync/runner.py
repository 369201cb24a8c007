"""The sync loop: fetch a page, apply it and save the cursor in one transaction, repeat.

The cursor never runs ahead of committed data: a worker killed between pages resumes
from the last committed page and re-applies at most that page, which the unique keys
make harmless. An expired cursor starts the stream over once per run — never a loop.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from connectors.base import Cursor, Page
from connectors.sync.errors import CursorExpired, NeedsReconnect, SyncBusy
from connectors.sync.lease import acquire_lease, release_lease, renew_lease
from core.db import Database, in_retried_transaction
from core.models import Connector, SyncRun, utcnow


@dataclass(frozen=True)
class PageOutcome:
    """What applying one page did; ``checkpoint`` is stored when the stream ends
    (Gmail's newest historyId, Graph's deltaLink) so the next run is incremental."""

    done: int
    counts: dict[str, int] = field(default_factory=dict)
    checkpoint: Cursor | None = None
    total: int | None = None  # a better estimate of the whole run, when one is known


@dataclass
class StreamRun:
    sync_run_id: int
    pages: int = 0
    done: int = 0
    resyncs: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    total: int | None = None


def run_stream(
    database: Database,
    connector_id: int,
    stream: str,
    *,
    fetch: Callable[[Cursor | None], Page],
    apply: Callable[[Session, Page], PageOutcome],
    total: int | None = None,
    owner: str | None = None,
    lease_ttl: timedelta = timedelta(minutes=10),
    max_resyncs: int = 1,
    run_id: int | None = None,
) -> StreamRun:
    """Sync one stream of one account to its end; raises SyncBusy if another sync runs.

    ``run_id`` names a SyncRun queued when the sync was requested (the API does that);
    without one, a run is recorded here.
    """
    owner = owner or uuid.uuid4().hex
    with database.session() as session:
        leased = acquire_lease(session, connector_id, owner, lease_ttl)
        if not leased:  # committed as the session closes, before SyncBusy goes up
            close_queued(session, run_id, "another sync of this account was running")
    if not leased:
        raise SyncBusy(f"connector {connector_id} is already syncing")
    with database.session() as session:
        row = session.get(SyncRun, run_id) if run_id is not None else None
        if row is None or row.connector_id != connector_id:
            row = SyncRun(connector_id=connector_id, stream=stream)
            session.add(row)
        row.status, row.started_at, row.total = "running", utcnow(), total
        session.flush()
        run = StreamRun(row.id)
        cursor = _stored_cursor(session, connector_id, stream)
    try:
        _loop(
            database,
            connector_id,
            stream,
            run,
            cursor,
            fetch=fetch,
            apply=apply,
            owner=owner,
            lease_ttl=lease_ttl,
            max_resyncs=max_resyncs,
        )
    except Exception as error:
        _finish(database, run, connector_id, error)
        raise
    else:
        _finish(database, run, connector_id, None)
    finally:
        with database.session() as session:
            release_lease(session, connector_id, owner)
    return run


def _loop(
    database: Database,
    connector_id: int,
    stream: str,
    run: StreamRun,
    cursor: Cursor | None,
    *,
    fetch: Callable[[Cursor | None], Page],
    apply: Callable[[Session, Page], PageOutcome],
    owner: str,
    lease_ttl: timedelta,
    max_resyncs: int,
) -> None:
    while True:
        try:
            page = fetch(cursor)
        except CursorExpired:
            if run.resyncs >= max_resyncs:
                raise
            run.resyncs += 1
            cursor = None
            continue

        def commit_page(session: Session, page: Page = page) -> StreamRun:
            """The page's effects, its cursor and the run's progress: one transaction."""
            if not renew_lease(session, connector_id, owner, lease_ttl):
                raise SyncBusy(f"connector {connector_id}: the sync lease was lost")
            outcome = apply(session, page)
            stored = page.next_cursor
            if stored is None:
                stored = page.checkpoint or outcome.checkpoint
            _save_cursor(session, connector_id, stream, stored)
            advanced = _advanced(run, outcome)
            _progress(session, advanced)
            return advanced

        # Two mailboxes' pages can deadlock on PostgreSQL (they resolve the same people):
        # the victim's transaction was rolled back whole, so the page is applied again.
        advanced = in_retried_transaction(database, commit_page)
        run.pages, run.done, run.counts, run.total = (
            advanced.pages, advanced.done, advanced.counts, advanced.total
        )  # fmt: skip
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def _advanced(run: StreamRun, outcome: PageOutcome) -> StreamRun:
    """The run after one more page (a copy: a retried page must not count twice)."""
    counts = dict(run.counts)
    for name, count in outcome.counts.items():
        counts[name] = counts.get(name, 0) + count
    total = outcome.total if outcome.total is not None else run.total
    return replace(run, pages=run.pages + 1, done=run.done + outcome.done, counts=counts,
                   total=total)  # fmt: skip


def close_queued(session: Session, run_id: int | None, reason: str) -> None:
    row = session.get(SyncRun, run_id) if run_id is not None else None
    if row is not None and row.status == "queued":
        row.status, row.error, row.finished_at = "failed", reason, utcnow()


def _stored_cursor(session: Session, connector_id: int, stream: str) -> Cursor | None:
    connector = session.get(Connector, connector_id)
    if connector is None:
        raise LookupError(f"connector {connector_id} not found")
    value = (connector.cursor or {}).get(stream)
    return dict(value) if isinstance(value, dict) else None


def _save_cursor(session: Session, connector_id: int, stream: str, cursor: Cursor | None) -> None:
    connector = session.get(Connector, connector_id)
    assert connector is not None
    connector.cursor = {**(connector.cursor or {}), stream: cursor}


def _progress(session: Session, run: StreamRun) -> None:
    row = session.get(SyncRun, run.sync_run_id)
    assert row is not None
    row.done = run.done
    if run.total is not None:
        row.total = run.total
    row.counts = {**run.counts, "pages": run.pages, "resyncs": run.resyncs}


def _finish(database: Database, run: StreamRun, connector_id: int, error: Exception | None) -> None:
    with database.session() as session:
        row = session.get(SyncRun, run.sync_run_id)
        assert row is not None
        row.status = "failed" if error else "succeeded"
        row.error = "" if error is None else f"{type(error).__name__}: {error}"[:2000]
        row.finished_at = utcnow()
        row.counts = {**run.counts, "pages": run.pages, "resyncs": run.resyncs}
        connector = session.get(Connector, connector_id)
        if connector is not None:
            if isinstance(error, NeedsReconnect):
                connector.status = "needs_reconnect"
            connector.last_error = row.error
            if error is None and connector.status == "error":
                connector.status = "active"


def rate_and_eta(row: SyncRun) -> dict[str, Any]:
    """Records per second so far and, with an estimated total, the seconds left."""
    if row.started_at is None:
        return {"rate": None, "eta_seconds": None}
    elapsed = ((row.finished_at or utcnow()) - row.started_at).total_seconds()
    rate = row.done / elapsed if elapsed > 0 else None
    left = None
    if rate and row.total is not None:
        left = max(row.total - row.done, 0) / rate
    return {"rate": rate, "eta_seconds": left}
