"""The write-ahead log is checkpointed by a background thread, not inside commits."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from core.db import Database
from core.wal_checkpoint import WalCheckpointer, checkpointer_for

WAIT_SECONDS = 10.0


def _write(database: Database, rows: int, width: int = 2_000) -> None:
    """``rows`` commits of one wide row each: a few pages of log apiece."""
    with database.engine.connect() as connection:
        connection.exec_driver_sql("CREATE TABLE IF NOT EXISTS filler (body TEXT)")
        connection.commit()
    for number in range(rows):
        with database.session() as session:
            body = f"{number}" * width
            session.execute(text("INSERT INTO filler VALUES (:body)"), {"body": body})


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'wal.db'}")
    yield database
    database.dispose()


def test_commits_wake_a_thread_that_copies_the_log_into_the_database(database: Database) -> None:
    checkpointer = database.checkpointer
    assert isinstance(checkpointer, WalCheckpointer)
    assert not checkpointer.running  # nothing committed yet
    _write(database, 50)
    assert checkpointer.running
    assert checkpointer.wait_for(1, WAIT_SECONDS)
    assert checkpointer.last is not None
    _busy, logged, copied = checkpointer.last
    assert logged > 0
    assert copied == logged  # every page the commits logged was copied


def test_a_checkpointed_log_restarts_instead_of_growing(database: Database) -> None:
    checkpointer = database.checkpointer
    assert checkpointer is not None
    _write(database, 200)
    checkpointer.stop()  # one last checkpoint, then no thread
    assert checkpointer.last is not None
    grown = checkpointer.last[1]
    _write(database, 1)  # the next writer finds the log copied and starts it over
    checkpointer.stop()
    after = checkpointer.last[1]
    assert grown > 100
    assert after < 10


def test_dispose_stops_the_thread_and_the_next_commit_starts_one(database: Database) -> None:
    _write(database, 1)
    checkpointer = database.checkpointer
    assert checkpointer is not None
    assert checkpointer.running
    database.dispose()
    assert not checkpointer.running
    done = checkpointer.checkpoints
    assert done >= 1  # stopping ran a last checkpoint
    _write(database, 1)
    assert checkpointer.running
    assert checkpointer.wait_for(done + 1, WAIT_SECONDS)


def test_a_forked_child_checkpoints_with_a_thread_of_its_own(database: Database) -> None:
    _write(database, 5)
    assert database.checkpointer is not None
    assert database.checkpointer.running
    database.engine.dispose(close=False)  # the child must not use the parent's connections
    pid = os.fork()
    if pid == 0:  # the child: exit status 0 only if its own thread checkpointed
        try:
            database.engine.dispose(close=False)
            checkpointer = database.checkpointer
            before = checkpointer.checkpoints
            _write(database, 5)
            ok = checkpointer.running and checkpointer.wait_for(before + 1, WAIT_SECONDS)
            os._exit(0 if ok else 1)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def test_a_removed_file_is_not_created_again(tmp_path: Path) -> None:
    checkpointer = WalCheckpointer(str(tmp_path / "gone.db"))
    with pytest.raises(sqlite3.OperationalError):
        checkpointer.checkpoint()
    assert not (tmp_path / "gone.db").exists()


def test_in_memory_databases_have_no_checkpointer() -> None:
    assert checkpointer_for(None) is None
    assert checkpointer_for(":memory:") is None
    assert checkpointer_for("file:crm?mode=memory&cache=shared") is None
    assert Database("sqlite://").checkpointer is None
