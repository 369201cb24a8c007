"""Review-item lookups by record pair use the record indexes, not the status index.

With ``status = 'open'`` in the WHERE clause SQLite preferred the status index and read
every open item: at 1M imported records (660,000 open items) one check took 265 ms.
The plans are SQLite's (PostgreSQL plans by its statistics), so this runs on its own
SQLite file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import event, text

from core import migrate
from core.db import Database
from core.identity.explain import _reviews
from core.identity.review import list_review_items
from core.identity.verdicts import close_reviews, open_review_between

STATUS_INDEX = "ix_review_items_status_created"


def _plans(database: Database, work: Callable[..., object]) -> list[str]:
    """The query plan of each review_items statement ``work`` sends."""
    sent: list[tuple[str, object]] = []

    def note(conn, cursor, statement, parameters, context, executemany) -> None:
        if "review_items" in statement:
            sent.append((statement, parameters))

    event.listen(database.engine, "before_cursor_execute", note)
    try:
        with database.session() as session:
            work(session)
    finally:
        event.remove(database.engine, "before_cursor_execute", note)
    with database.engine.connect() as connection:
        return [
            " | ".join(row[-1] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {s}", p))
            for s, p in sent
        ]


def test_pair_checks_and_closing_read_the_record_indexes(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'plans.db'}")
    migrate.upgrade(database)
    with database.session() as session:  # the plans are what is checked: rows need not exist
        assert session.execute(text("SELECT count(*) FROM review_items")).scalar() == 0
    checks = {
        "open_review_between": lambda s: open_review_between(s, [1, 2], [3]),
        "close_reviews": lambda s: close_reviews(s, [1, 2], [3], status="merged", actor="t"),
        "explanation": lambda s: _reviews(s, [1, 2, 3]),
    }
    for name, work in checks.items():
        plans = _plans(database, work)
        assert plans, name
        for plan in plans:
            assert STATUS_INDEX not in plan, (name, plan)
            assert "ix_review_items_source_record_id" in plan, (name, plan)
    database.dispose()


def test_the_queue_pages_follow_an_index_in_either_order(tmp_path: Path) -> None:
    """A page of a queue of 370,000 open items must not sort them all first."""
    database = Database(f"sqlite:///{tmp_path / 'plans.db'}")
    migrate.upgrade(database)
    for order, index in [("likely", "ix_review_items_likely"), ("newest", STATUS_INDEX)]:
        [plan] = _plans(database, lambda s, o=order: list_review_items(s, order=o, offset=500))
        assert index in plan, (order, plan)
        assert "TEMP B-TREE" not in plan, (order, plan)
    database.dispose()
