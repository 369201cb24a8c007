"""The advisory locks that serialize resolution on PostgreSQL, seen in ``pg_locks``.

A resolver takes the shared rebuild lock and its keys' locks in one statement; while a
rebuild holds the exclusive lock it must wait holding none of its keys, or it could
stall a resolver that already holds the shared lock and needs those keys.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from core.db import Database
from core.identity.locks import lock_everything, lock_keys
from tests.waiting import wait_until

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)

KEYS = ["email:ann@example.com", "phone:+14155550101", "external:1:ann-1"]
TIMEOUT = 30.0


class Locker(threading.Thread):
    """Takes locks with ``take`` in its own transaction, then holds them until told to
    finish."""

    def __init__(self, database: Database, take: Callable[[Session], None]) -> None:
        super().__init__(daemon=True)
        self.database, self.take = database, take
        self.pid: int | None = None
        self.locked, self.finish = threading.Event(), threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with self.database.session() as session:
                self.pid = session.scalar(text("SELECT pg_backend_pid()"))
                self.take(session)
                self.locked.set()
                self.finish.wait(TIMEOUT)
        except BaseException as error:
            self.error = error
            self.locked.set()


def _advisory(database: Database, pid: int | None) -> list[tuple[str, bool]]:
    with database.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT mode, granted FROM pg_locks WHERE locktype = 'advisory' AND pid = :p"),
            {"p": pid},
        )
        return sorted((mode, granted) for mode, granted in rows)


@contextmanager
def _holding(database: Database, take: Callable[[Session], None]) -> Iterator[Session]:
    """A transaction that has taken its locks with ``take`` and holds them until exit."""
    with database.session() as session:
        take(session)
        yield session


def _started(locker: Locker) -> Locker:
    locker.start()
    wait_until(lambda: locker.pid is not None, TIMEOUT, "the transaction never connected")
    return locker


def _resolver(database: Database, keys: list[str]) -> Locker:
    return _started(Locker(database, lambda session: lock_keys(session, keys)))


def test_a_resolver_waits_for_a_rebuild_holding_none_of_its_keys(database: Database) -> None:
    with _holding(database, lock_everything):
        resolver = _resolver(database, KEYS)
        wait_until(
            lambda: _advisory(database, resolver.pid) == [("ShareLock", False)],
            TIMEOUT,
            f"expected one waiting shared lock, saw {_advisory(database, resolver.pid)}",
        )
        assert not resolver.locked.is_set()
    assert resolver.locked.wait(TIMEOUT)
    assert resolver.error is None
    held = _advisory(database, resolver.pid)
    _finish(resolver)
    assert held == [("ExclusiveLock", True)] * len(KEYS) + [("ShareLock", True)]


def test_a_key_held_by_one_resolver_makes_the_next_wait(database: Database) -> None:
    first = _resolver(database, KEYS[:2])
    assert first.locked.wait(TIMEOUT)
    second = _resolver(database, KEYS[1:])  # shares the phone's key
    _waits_for(
        database,
        second,
        first,
        lambda locks: ("ExclusiveLock", False) in locks,
        "the second resolver never waited for the shared key",
    )


def test_rebuild_waits_for_a_resolver_that_holds_the_shared_lock(database: Database) -> None:
    resolver = _resolver(database, KEYS)
    assert resolver.locked.wait(TIMEOUT)
    rebuild = _started(Locker(database, lock_everything))
    _waits_for(
        database,
        rebuild,
        resolver,
        lambda locks: locks == [("ExclusiveLock", False)],
        "the rebuild never waited for the resolver",
    )


def _waits_for(
    database: Database,
    waiter: Locker,
    holder: Locker,
    waiting: Callable[[list[tuple[str, bool]]], bool],
    message: str,
) -> None:
    """``waiter`` waits (``waiting`` tells from its locks) while ``holder`` holds, and
    gets its locks once ``holder`` commits."""
    wait_until(lambda: waiting(_advisory(database, waiter.pid)), TIMEOUT, message)
    assert not waiter.locked.is_set()
    _finish(holder)
    assert waiter.locked.wait(TIMEOUT)
    _finish(waiter)
    assert (holder.error, waiter.error) == (None, None)


def _finish(locker: Locker) -> None:
    locker.finish.set()
    locker.join(TIMEOUT)
