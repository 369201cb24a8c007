"""Pooled PostgreSQL connections: pinged only after sitting idle, replaced when dead."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from core import db as db_module
from core.db import Database


def _backend_pid(database: Database) -> int:
    with database.session() as session:
        return int(session.scalar(text("SELECT pg_backend_pid()")))


def _terminate(url: str, pid: int) -> None:
    killer = Database(url)
    with killer.session() as session:
        assert session.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    killer.dispose()


@pytest.fixture
def pg(postgres_url: str) -> str:
    return postgres_url.replace("postgresql://", "postgresql+psycopg://", 1)


def test_an_idle_connection_killed_by_the_server_is_replaced_unseen(
    pg: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db_module, "PING_AFTER_IDLE_SECONDS", 0.0)  # every checkout is "idle"
    database = Database(pg, pool_size=1, max_overflow=0)
    first = _backend_pid(database)
    _terminate(pg, first)
    assert _backend_pid(database) != first  # no error reached the caller
    database.dispose()


def test_a_connection_used_a_moment_ago_is_not_pinged(
    pg: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cost saved: a busy process goes straight to its query (a dead one fails once)."""
    monkeypatch.setattr(db_module, "PING_AFTER_IDLE_SECONDS", 3600.0)
    database = Database(pg, pool_size=1, max_overflow=0)
    first = _backend_pid(database)
    _terminate(pg, first)
    with pytest.raises(OperationalError):
        _backend_pid(database)
    assert _backend_pid(database) != first  # the failure invalidated it: the next one works
    database.dispose()
