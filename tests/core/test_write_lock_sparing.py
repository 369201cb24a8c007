"""One-statement connections and read-only sessions: what spares SQLite's write lock."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from core.db import SQLITE_BUSY_TIMEOUT_MS, Database
from core.models import AppSetting


def _count(database: Database) -> int:
    with database.session() as session:
        return int(session.scalar(select(func.count()).select_from(AppSetting)) or 0)


def test_each_statement_commits_before_the_connection_closes(database: Database) -> None:
    with database.single_statements() as connection:
        connection.execute(insert(AppSetting.__table__).values(key="a", value={}))
        assert _count(database) == 1  # another connection sees it already
        connection.execute(insert(AppSetting.__table__).values(key="b", value={}))
    assert _count(database) == 2


def test_ordinary_sessions_still_begin_their_own_transaction(database: Database) -> None:
    """The option is per connection: the next session on a pooled connection is atomic."""
    with database.single_statements() as connection:
        connection.execute(insert(AppSetting.__table__).values(key="a", value={}))
    try:
        with database.session() as session:
            session.add(AppSetting(key="b", value={}))
            session.flush()
            raise RuntimeError("roll it back")
    except RuntimeError:
        pass
    assert _count(database) == 1


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_locked_sqlite_statement_is_retried_until_the_lock_is_released(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The statement waits out another writer's transaction, then commits."""
    waited = threading.Event()
    real_sleep = time.sleep

    def noting_sleep(seconds: float) -> None:
        waited.set()
        real_sleep(seconds)

    monkeypatch.setattr("core.db.time.sleep", noting_sleep)
    holder = Session(database.engine)
    holder.add(AppSetting(key="held", value={}))
    holder.flush()  # BEGIN IMMEDIATE: this transaction holds the write lock
    with ThreadPoolExecutor(1) as pool:
        insert_later = pool.submit(_insert_single, database, "waited")
        assert waited.wait(30), "the insert never found the database locked"
        assert not insert_later.done()
        holder.commit()
        holder.close()
        insert_later.result(timeout=30)

    assert _count(database) == 2
    with database.session() as session:  # the pooled connection's own timeout is back
        assert session.execute(text("PRAGMA busy_timeout")).scalar() == SQLITE_BUSY_TIMEOUT_MS


def _insert_single(database: Database, key: str) -> None:
    with database.single_statements() as connection:
        connection.execute(insert(AppSetting.__table__).values(key=key, value={}))


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_reading_session_neither_waits_for_nor_blocks_a_writer(database: Database) -> None:
    with database.session() as session:
        session.add(AppSetting(key="before", value={}))
    writer = Session(database.engine)
    writer.add(AppSetting(key="uncommitted", value={}))
    writer.flush()  # holds the write lock

    with database.reading() as session:  # an IMMEDIATE begin would wait here for 30 s
        keys = session.scalars(select(AppSetting.key)).all()
        other = Session(database.engine)
        writer.commit()  # a writer commits while the read is open
        writer.close()
        other.add(AppSetting(key="after", value={}))
        other.commit()  # and another takes the lock and commits: the read held none
        other.close()
        again = session.scalars(select(AppSetting.key)).all()

    assert keys == ["before"]
    assert again == ["before"]  # one snapshot for the whole read
    assert _count(database) == 3
