"""Engine and unit-of-work sessions for SQLite (embedded) and PostgreSQL (production).

SQLite is tuned for several processes writing at once: WAL so readers never block the
writer, a busy timeout so a writer waits instead of failing, and ``BEGIN IMMEDIATE`` so
a transaction takes the write lock up front. Without the last one, two transactions that
both read and then write deadlock, and SQLite answers "database is locked" at once,
whatever the busy timeout says.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

from core.wal_checkpoint import WalCheckpointer, checkpointer_for

SQLITE_BUSY_TIMEOUT_MS = 30_000
# Pages the write-ahead log may hold before a commit copies them into the database
# (SQLite's default is 1,000). A checkpoint stalls the commit that runs it: at 1,000
# pages every 50th resolve of a 1M-record store paid 20-27 ms, the whole p99 tail.
# At 16,000 (64 MiB) one resolve in several hundred paid about 250 ms, hot pages were
# copied once instead of many times, and a resolve's median fell from 9.8 to 7-8 ms.
# A ``Database`` now checkpoints from a thread of its own (``core/wal_checkpoint.py``),
# so this is the backstop for connections without one.
SQLITE_WAL_AUTOCHECKPOINT_PAGES = 16_000
PING_AFTER_IDLE_SECONDS = 2.0
# Execution option for a session that only reads: SQLite begins it DEFERRED, so it
# takes no write lock and never waits for (or holds up) a writer.
READ_ONLY = "crmhub_read_only"


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached; callers answer 503 or exit with a message."""


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine with the per-backend settings every process must share."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            **kwargs,
        )
        _tune_sqlite(engine)
        return engine
    if "poolclass" not in kwargs:
        kwargs.setdefault("pool_size", 5)
        kwargs.setdefault("max_overflow", 10)
    engine = create_engine(url, connect_args={"connect_timeout": 5}, **kwargs)
    if not kwargs.get("pool_pre_ping"):
        _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """Check a pooled connection before use only when it sat idle for a while.

    A connection used a moment ago is alive, so a round trip before every checkout (the
    pool's ``pre_ping``) cost a busy web process a sixth of its time for nothing. One
    left idle may have been closed by a database restart or a firewall: it is pinged,
    and a dead one is replaced before the caller sees it.
    """

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["checked_in_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("checked_in_at")
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            cursor = dbapi_connection.cursor()
            cursor.execute("SELECT 1")
            cursor.close()
        except Exception as exc:  # any failure: the pool reconnects and tries again
            raise DisconnectionError(str(exc)) from exc


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when a transaction begins.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA wal_autocheckpoint={SQLITE_WAL_AUTOCHECKPOINT_PAGES}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        read_only = connection.get_execution_options().get(READ_ONLY)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


class Database:
    """One engine and its session factory; each process holds one of these."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.checkpointer = _background_checkpoint(self.engine)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed when the block ends, rolled back if it raises."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads only: one snapshot, and on SQLite no write lock.

        Every other SQLite transaction begins IMMEDIATE, taking the one write lock
        even to read; a read done that way made the web processes wait to store
        webhooks. Writing in this session is a mistake (SQLite may refuse it).
        """
        session = self._sessions()
        if self.dialect == "sqlite":
            session.connection(execution_options={READ_ONLY: True})
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    def ping(self) -> None:
        """Raise ``DatabaseUnavailable`` unless a trivial query succeeds."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception as exc:
            raise DatabaseUnavailable(describe_db_error(exc)) from exc

    @property
    def sqlite_file(self) -> Path | None:
        """The SQLite store's file; None for PostgreSQL or an in-memory database."""
        return Path(self.checkpointer.path) if self.checkpointer is not None else None

    def dispose(self) -> None:
        """Drop pooled connections and stop the background checkpoint (a later use
        starts both again)."""
        if self.checkpointer is not None:
            self.checkpointer.stop()
        self.engine.dispose()


def _background_checkpoint(engine: Engine) -> WalCheckpointer | None:
    """On a SQLite file, checkpoint the log from a thread after commits."""
    if engine.dialect.name != "sqlite":
        return None
    checkpointer = checkpointer_for(engine.url.database)
    if checkpointer is not None:
        event.listen(engine, "commit", lambda _connection: checkpointer.committed())
    return checkpointer


def describe_db_error(exc: BaseException) -> str:
    """A one-line reason without the SQL, parameters or driver traceback."""
    original = getattr(exc, "orig", None) or exc
    first_line = str(original).strip().splitlines()[0] if str(original).strip() else ""
    return first_line or type(original).__name__


# PostgreSQL's "deadlock detected" and "serialization failure": the victim's transaction
# was rolled back whole, so running it again is safe.
RETRYABLE_SQLSTATES = ("40P01", "40001")
RETRY_ATTEMPTS = 5
T = TypeVar("T")


def in_retried_transaction(
    database: Database, work: Callable[[Session], T], attempts: int = RETRY_ATTEMPTS
) -> T:
    """Run ``work`` in its own transaction; a deadlock victim runs again from the start."""
    for attempt in range(attempts):
        try:
            with database.session() as session:
                return work(session)
        except DBAPIError as exc:
            state = getattr(exc.orig, "sqlstate", None)
            if state not in RETRYABLE_SQLSTATES or attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")
