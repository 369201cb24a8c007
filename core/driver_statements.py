"""One-statement writes run straight on the database driver, for the hottest write.

Storing an accepted webhook is a single INSERT, and SQLAlchemy's machinery around it
(connection wrapper, execution context, result object) cost as much CPU as the insert:
about 80 µs of a request's 550 in the web process. A ``DriverStatement`` is a Core
statement compiled once for the dialect; values pass through the column types' own
bind processors, so the driver receives exactly what SQLAlchemy would have sent. Each
statement commits on its own (SQLite autocommit, PostgreSQL autocommit), and on SQLite
a statement that finds the database locked is tried again within milliseconds rather
than after the busy handler's sleeps, which grow to 100 ms. Driver errors are raised as
SQLAlchemy's (a lost connection is an ``OperationalError`` and leaves the pool).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement

from core.db import SQLITE_BUSY_TIMEOUT_MS

BUSY_FIRST_PAUSE_SECONDS = 0.0005
BUSY_LONGEST_PAUSE_SECONDS = 0.004


class DriverStatement:
    """A statement compiled once; ``parameters`` turns values into the driver's form."""

    def __init__(self, statement: ClauseElement, dialect: Dialect, keys: Iterable[str]) -> None:
        compiled = statement.compile(dialect=dialect, column_keys=list(keys))
        missing = sorted(set(compiled.binds) - set(keys))
        if missing:  # e.g. a column whose Python-side default SQLAlchemy would have filled
            raise ValueError(f"values needed for {', '.join(missing)}")
        self.sql = compiled.string
        self._order = list(compiled.positiontup or []) if compiled.positional else None
        self._processors: list[tuple[str, Callable[[Any], Any]]] = []
        for name, bind in compiled.binds.items():
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                self._processors.append((name, processor))

    def parameters(self, values: Mapping[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
        processed = dict(values)
        for name, processor in self._processors:
            processed[name] = processor(processed[name])
        if self._order is None:
            return processed
        return tuple(processed[name] for name in self._order)


class DriverConnection:
    """A pooled driver connection whose statements each commit on their own."""

    def __init__(self, pooled: Any, dialect: Dialect) -> None:
        self._pooled = pooled
        self.dialect = dialect

    def first_row(self, statement: DriverStatement, values: Mapping[str, Any]) -> Any:
        """The statement's first row (or None), retried soon while SQLite is locked."""
        parameters = statement.parameters(values)
        deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
        pauses = _busy_pauses()
        while True:
            try:
                return self._run(statement.sql, parameters)
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc) or time.monotonic() > deadline:
                    raise
            time.sleep(next(pauses))

    def _run(self, sql: str, parameters: Any) -> Any:
        cursor = self._pooled.cursor()
        try:
            cursor.execute(sql, parameters)
            return cursor.fetchone()
        finally:
            cursor.close()


@contextmanager
def driver_connection(engine: Engine) -> Iterator[DriverConnection]:
    """A connection from the engine's pool, in autocommit, given back as it was found."""
    dialect = engine.dialect
    pooled = engine.raw_connection()
    driver = pooled.driver_connection
    sqlite = dialect.name == "sqlite"
    try:
        if sqlite:  # the connection is already in autocommit (see core.db)
            driver.execute("PRAGMA busy_timeout=0")  # retried here, in short steps
        else:
            driver.autocommit = True
        try:
            yield DriverConnection(pooled, dialect)
        finally:
            if sqlite:
                driver.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            else:
                driver.autocommit = False
    except dialect.loaded_dbapi.Error as exc:
        invalidated = dialect.is_disconnect(exc, pooled.dbapi_connection, None)
        if invalidated:
            pooled.invalidate(exc)
        raise DBAPIError.instance(
            None,
            None,
            exc,
            dialect.loaded_dbapi.Error,
            connection_invalidated=invalidated,
            dialect=dialect,
        ) from exc
    finally:
        pooled.close()


def _busy_pauses() -> Iterator[float]:
    """0.5, 1, 2, then 4 ms for ever: late by at most a few ms, cheap while waiting."""
    pause = BUSY_FIRST_PAUSE_SECONDS
    while True:
        yield pause
        pause = min(pause * 2, BUSY_LONGEST_PAUSE_SECONDS)


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    return getattr(exc, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
