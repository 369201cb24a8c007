"""Primary keys handed out before the flush, so new rows are inserted in batches.

With ids already set the ORM needs no RETURNING and sends one executemany per table;
without them SQLite inserts row by row, which dominated the cost of a bulk import.
On PostgreSQL the ids come from the table's own sequence; on SQLite the writer holds
the database lock (BEGIN IMMEDIATE), so the next ids after the current maximum are free.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from core.models import Base


def allocate_ids(session: Session, model: type[Base], count: int) -> list[int]:
    """``count`` unused primary keys of the model's table, ascending."""
    return allocate_many(session, {model: count})[model]


def allocate_many(
    session: Session, counts: Mapping[type[Base], int]
) -> dict[type[Base], list[int]]:
    """Unused primary keys for several tables at once: one statement on PostgreSQL,
    where each statement is a round trip (a new customer and its first record)."""
    found: dict[type[Base], list[int]] = {model: [] for model in counts}
    wanted = [(model, n) for model, n in counts.items() if n > 0]
    if not wanted:
        return found
    with session.no_autoflush:  # a flush now would insert pending rows one by one
        if session.get_bind().dialect.name == "postgresql":
            params = {f"n{i}": n for i, (_, n) in enumerate(wanted)}
            params |= {f"t{i}": model.__table__.name for i, (model, _) in enumerate(wanted)}
            for part, new_id in session.execute(_next_values(len(wanted)), params):
                found[wanted[part][0]].append(new_id)
            return {model: sorted(ids) for model, ids in found.items()}
        for model, n in wanted:
            start = session.scalar(_highest_id(model.__table__)) or 0
            found[model] = list(range(start + 1, start + 1 + n))
    return found


@cache
def _next_values(count: int) -> Any:
    """n{i} values of table t{i}'s sequence, each row tagged with the table's position."""
    parts = [
        f"SELECT {i}, nextval(pg_get_serial_sequence(:t{i}, 'id')) "  # noqa: S608 - positions only
        f"FROM generate_series(1, :n{i})"
        for i in range(count)
    ]
    return text(" UNION ALL ".join(parts))


@cache
def _highest_id(table: Any) -> Any:
    """Built once per table: an incremental resolve asks several times per record."""
    return select(func.max(table.c.id))


def assign_new_ids(session: Session, model: type[Base]) -> None:
    """Give every pending new ``model`` row in the session its id."""
    pending = [obj for obj in session.new if type(obj) is model and obj.id is None]
    for obj, new_id in zip(pending, allocate_ids(session, model, len(pending)), strict=True):
        obj.id = new_id
