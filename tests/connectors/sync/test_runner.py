"""The sync loop: cursor saved with its page, resume after a crash, one resync, one sync."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from connectors.base import Page, SourceItem
from connectors.sync import (
    CursorExpired,
    PageOutcome,
    SyncBusy,
    acquire_lease,
    run_stream,
)
from core.activities import ActivityInput, log_activity
from core.db import Database
from core.models import Activity, Connector, SyncRun

WHEN = datetime(2026, 5, 1, tzinfo=UTC)
PAGES = 4
PER_PAGE = 3


def _connector(database: Database) -> int:
    with database.session() as session:
        row = Connector(kind="gmail", name="rita@example.com")
        session.add(row)
        session.flush()
        return row.id


class Source:
    """A provider with four pages; ``fail_at`` breaks one fetch, ``expire`` the cursor."""

    def __init__(self, *, fail_at: int | None = None, expire: int = 0) -> None:
        self.fail_at = fail_at
        self.expire = expire
        self.fetched: list[int] = []

    def fetch(self, cursor: dict | None) -> Page:
        if cursor is not None and self.expire:
            self.expire -= 1
            raise CursorExpired("history id too old")
        page = 0 if cursor is None else int(cursor.get("page", PAGES))
        if page == self.fail_at:
            self.fail_at = None
            raise ConnectionError("connection reset")
        self.fetched.append(page)
        items = tuple(SourceItem({"n": page * PER_PAGE + i}) for i in range(PER_PAGE))
        following = {"page": page + 1} if page + 1 < PAGES else None
        return Page(items, following)


def apply_factory(connector_id: int):
    def apply(session: Session, page: Page) -> PageOutcome:
        for item in page.items:
            log_activity(
                session,
                ActivityInput(type="email", occurred_at=WHEN,
                              external_id=f"m{item.payload['n']}", connector_id=connector_id),
                customer_ids=[],
            )  # fmt: skip
        checkpoint = {"history_id": "999"} if page.next_cursor is None else None
        return PageOutcome(len(page.items), {"logged": len(page.items)}, checkpoint)

    return apply


def _activities(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(Activity)) or 0


def _cursor(database: Database, connector_id: int) -> dict:
    with database.session() as session:
        row = session.get(Connector, connector_id)
        assert row is not None
        return dict(row.cursor)


def test_a_stream_runs_to_its_end_and_stores_the_checkpoint(database: Database) -> None:
    connector = _connector(database)
    source = Source()
    run = run_stream(database, connector, "messages", fetch=source.fetch,
                     apply=apply_factory(connector), total=PAGES * PER_PAGE)  # fmt: skip
    assert (run.pages, run.done, run.resyncs) == (PAGES, PAGES * PER_PAGE, 0)
    assert _activities(database) == PAGES * PER_PAGE
    assert _cursor(database, connector) == {"messages": {"history_id": "999"}}
    with database.session() as session:
        row = session.get(SyncRun, run.sync_run_id)
        assert row is not None
        assert (row.status, row.done, row.total) == ("succeeded", 12, 12)


def test_a_crash_resumes_from_the_last_committed_page(database: Database) -> None:
    connector = _connector(database)
    source = Source(fail_at=2)
    with pytest.raises(ConnectionError):
        run_stream(database, connector, "messages", fetch=source.fetch,
                   apply=apply_factory(connector))  # fmt: skip
    assert _cursor(database, connector) == {"messages": {"page": 2}}
    assert _activities(database) == 2 * PER_PAGE
    run_stream(database, connector, "messages", fetch=source.fetch,
               apply=apply_factory(connector))  # fmt: skip
    assert source.fetched == [0, 1, 2, 3]  # nothing fetched twice, nothing skipped
    assert _activities(database) == PAGES * PER_PAGE
    with database.session() as session:
        statuses = session.scalars(select(SyncRun.status).order_by(SyncRun.id)).all()
    assert statuses == ["failed", "succeeded"]


def test_an_expired_cursor_resyncs_once_and_never_loops(database: Database) -> None:
    connector = _connector(database)
    with database.session() as session:
        row = session.get(Connector, connector)
        assert row is not None
        row.cursor = {"messages": {"page": 3}}
    run = run_stream(database, connector, "messages", fetch=Source(expire=1).fetch,
                     apply=apply_factory(connector))  # fmt: skip
    assert run.resyncs == 1
    assert _activities(database) == PAGES * PER_PAGE
    with pytest.raises(CursorExpired):
        run_stream(database, connector, "messages", fetch=Source(expire=5).fetch,
                   apply=apply_factory(connector))  # fmt: skip
    assert _activities(database) == PAGES * PER_PAGE  # the full resync logged nothing twice


def test_a_second_sync_of_the_same_account_is_refused(database: Database) -> None:
    connector = _connector(database)
    with database.session() as session:
        acquire_lease(session, connector, "another-worker", timedelta(minutes=5))
    with pytest.raises(SyncBusy):
        run_stream(database, connector, "messages", fetch=Source().fetch,
                   apply=apply_factory(connector))  # fmt: skip
    assert _activities(database) == 0


def test_a_queued_run_is_the_one_that_runs_or_is_closed_when_busy(database: Database) -> None:
    connector = _connector(database)
    with database.session() as session:
        queued = SyncRun(connector_id=connector, stream="messages", status="queued")
        second = SyncRun(connector_id=connector, stream="messages", status="queued")
        session.add_all([queued, second])
        session.flush()
        queued_id, second_id = queued.id, second.id
    run = run_stream(database, connector, "messages", fetch=Source().fetch,
                     apply=apply_factory(connector), run_id=queued_id)  # fmt: skip
    assert run.sync_run_id == queued_id
    with database.session() as session:
        acquire_lease(session, connector, "another-worker", timedelta(minutes=5))
    with pytest.raises(SyncBusy):
        run_stream(database, connector, "messages", fetch=Source().fetch,
                   apply=apply_factory(connector), run_id=second_id)  # fmt: skip
    with database.session() as session:
        rows = {r.id: r for r in session.scalars(select(SyncRun))}
    assert len(rows) == 2
    assert rows[queued_id].status == "succeeded"
    assert rows[second_id].status == "failed"
    assert "another sync" in rows[second_id].error
