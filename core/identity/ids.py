"""Primary keys handed out before the flush, so new rows are inserted in batches.

With ids already set the ORM needs no RETURNING and sends one executemany per table;
without them SQLite inserts row by row, which dominated the cost of a bulk import.
On PostgreSQL the ids come from the table's own sequence; on SQLite the writer holds
the database lock (BEGIN IMMEDIATE), so the next ids after the current maximum are free.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from core.models import Base


def allocate_ids(session: Session, model: type[Base], count: int) -> list[int]:
    """``count`` unused primary keys of the model's table, ascending."""
    if count <= 0:
        return []
    table = model.__table__
    with session.no_autoflush:  # a flush now would insert pending rows one by one
        if session.get_bind().dialect.name == "postgresql":
            ids = session.scalars(
                text(
                    "SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"
                ),
                {"t": table.name, "n": count},
            ).all()
            return sorted(ids)
        start = session.scalar(_highest_id(table)) or 0
    return list(range(start + 1, start + 1 + count))


@cache
def _highest_id(table: Any) -> Any:
    """Built once per table: an incremental resolve asks several times per record."""
    return select(func.max(table.c.id))


def assign_new_ids(session: Session, model: type[Base]) -> None:
    """Give every pending new ``model`` row in the session its id."""
    pending = [obj for obj in session.new if type(obj) is model and obj.id is None]
    for obj, new_id in zip(pending, allocate_ids(session, model, len(pending)), strict=True):
        obj.id = new_id
