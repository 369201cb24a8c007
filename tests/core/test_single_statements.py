"""Connections for one-statement work: each statement commits on its own."""

from __future__ import annotations

from sqlalchemy import func, insert, select

from core.db import Database
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
