"""Insert-or-update on one unique key, atomically, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def upsert(
    session: Session,
    model: type[Any],
    *,
    key: dict[str, Any],
    insert: dict[str, Any],
    update: dict[str, Any],
) -> None:
    """``INSERT … ON CONFLICT (key) DO UPDATE``: no read-then-write race between processes.

    ``update`` values may be SQL expressions over the existing row (e.g. ``col + 1``).
    """
    dialect = session.get_bind().dialect.name
    dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = dialect_insert(model).values(**key, **insert)
    statement = statement.on_conflict_do_update(index_elements=list(key), set_=update)
    session.execute(statement)
