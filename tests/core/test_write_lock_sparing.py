"""Driver statements and read-only sessions: the hot write, and what spares SQLite's lock."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.db import SQLITE_BUSY_TIMEOUT_MS, Database
from core.driver_statements import DriverStatement, driver_connection
from core.models import AppSetting

AT = datetime(2026, 11, 29, 15, 30, 0, 123456, tzinfo=UTC)


def _count(database: Database) -> int:
    with database.session() as session:
        return int(session.scalar(select(func.count()).select_from(AppSetting)) or 0)


def _statement(database: Database) -> DriverStatement:
    return DriverStatement(
        insert(AppSetting.__table__).returning(AppSetting.key),
        database.engine.dialect,
        ("key", "value", "updated_at"),
    )


def _store(database: Database, key: str, value: dict[str, Any]) -> Any:
    with driver_connection(database.engine) as connection:
        return connection.first_row(_statement(database), _values(key, value))


def _values(key: str, value: dict[str, Any]) -> dict[str, Any]:
    return {"key": key, "value": value, "updated_at": AT}


def test_each_statement_commits_and_values_arrive_as_sqlalchemy_sends_them(
    database: Database,
) -> None:
    statement = _statement(database)
    with driver_connection(database.engine) as connection:
        first = connection.first_row(statement, _values("a", {"n": [1, "é"]}))
        assert _count(database) == 1  # another connection sees it already
        connection.first_row(statement, _values("b", {}))

    assert tuple(first) == ("a",)
    with database.session() as session:
        stored = session.get_one(AppSetting, "a")
        assert (stored.value, stored.updated_at) == ({"n": [1, "é"]}, AT)  # the types' forms
    assert _count(database) == 2


def test_a_value_sqlalchemy_would_have_defaulted_must_be_given(database: Database) -> None:
    with pytest.raises(ValueError, match="values needed for updated_at"):
        DriverStatement(insert(AppSetting.__table__), database.engine.dialect, ("key", "value"))


def test_ordinary_sessions_still_begin_their_own_transaction(database: Database) -> None:
    """The pooled connection goes back as it was: the next session is atomic."""
    _store(database, "a", {})
    try:
        with database.session() as session:
            session.add(AppSetting(key="b", value={}))
            session.flush()
            raise RuntimeError("roll it back")
    except RuntimeError:
        pass
    assert _count(database) == 1


def test_a_driver_error_is_raised_as_sqlalchemys_and_the_pool_goes_on(
    database: Database,
) -> None:
    _store(database, "a", {})

    with pytest.raises(IntegrityError):
        _store(database, "a", {})  # the same primary key

    assert tuple(_store(database, "b", {})) == ("b",)
    assert _count(database) == 2


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

    monkeypatch.setattr("core.driver_statements.time.sleep", noting_sleep)
    holder = Session(database.engine)
    holder.add(AppSetting(key="held", value={}))
    holder.flush()  # BEGIN IMMEDIATE: this transaction holds the write lock
    with ThreadPoolExecutor(1) as pool:
        insert_later = pool.submit(_store, database, "waited", {})
        assert waited.wait(30), "the insert never found the database locked"
        assert not insert_later.done()
        holder.commit()
        holder.close()
        insert_later.result(timeout=30)

    assert _count(database) == 2
    with database.session() as session:  # the pooled connection's own timeout is back
        assert session.execute(text("PRAGMA busy_timeout")).scalar() == SQLITE_BUSY_TIMEOUT_MS


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
