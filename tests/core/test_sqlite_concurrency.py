"""Several processes writing one SQLite file at once get no "database is locked".

Each transaction reads and then writes, the pattern that deadlocks under SQLite's
default deferred transactions; BEGIN IMMEDIATE plus the busy timeout must absorb it.
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from sqlalchemy import func, select

from core import migrate
from core.db import SQLITE_WAL_AUTOCHECKPOINT_PAGES, Database
from core.models import AuditEntry

PROCESSES = 4
TRANSACTIONS = 100


def _writer(url: str, worker: int) -> int:
    database = Database(url)
    errors = 0
    for index in range(TRANSACTIONS):
        try:
            with database.session() as session:
                seen = session.scalar(select(func.count(AuditEntry.id)))
                session.add(
                    AuditEntry(
                        actor=f"w{worker}",
                        action="probe",
                        target=str(index),
                        details={"seen": seen},
                    )
                )
        except Exception:
            errors += 1
    database.dispose()
    return errors


def test_concurrent_read_then_write_transactions(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'contended.db'}"
    database = Database(url)
    migrate.upgrade(database)
    context = multiprocessing.get_context("spawn")
    with context.Pool(PROCESSES) as pool:
        errors = pool.starmap(_writer, [(url, worker) for worker in range(PROCESSES)])
    assert errors == [0] * PROCESSES
    with database.session() as session:
        assert session.scalar(select(func.count(AuditEntry.id))) == PROCESSES * TRANSACTIONS
    database.dispose()


def test_every_connection_checkpoints_the_log_at_the_configured_size(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'pragmas.db'}")
    try:
        with database.engine.connect() as connection:
            pages = connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
            mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
    finally:
        database.dispose()
    assert (mode, pages) == ("wal", SQLITE_WAL_AUTOCHECKPOINT_PAGES)
    assert pages > 1_000  # SQLite's default, which put a checkpoint in every 50th resolve
