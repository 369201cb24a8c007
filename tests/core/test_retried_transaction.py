"""A deadlock victim's transaction runs again, so two writers locking in opposite order
both finish (PostgreSQL detects the deadlock; SQLite never lets two writers overlap)."""

from __future__ import annotations

import threading

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.db import Database, in_retried_transaction


def test_a_deadlocked_transaction_is_run_again_and_both_finish(postgres_url: str) -> None:
    database = Database(postgres_url)
    both_hold_one = threading.Barrier(2)
    attempts: list[str] = []
    finished: list[str] = []

    def writer(name: str, first: int, second: int) -> None:
        def work(session: Session) -> None:
            attempts.append(name)
            session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": first})
            if attempts.count(name) == 1:  # only the first try waits for the other
                both_hold_one.wait(timeout=30)
            session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": second})

        in_retried_transaction(database, work)
        finished.append(name)

    threads = [
        threading.Thread(target=writer, args=("a", 1001, 1002)),
        threading.Thread(target=writer, args=("b", 1002, 1001)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    database.dispose()
    assert sorted(finished) == ["a", "b"]
    assert len(attempts) == 3  # one of the two was the deadlock victim and ran again
