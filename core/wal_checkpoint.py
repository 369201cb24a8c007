"""Checkpoint SQLite's write-ahead log from a background thread, off the commit path.

SQLite copies the log into the database file (a checkpoint) inside the commit that
finds the log past ``wal_autocheckpoint`` pages, and that commit waits for the copy:
at 16,000 pages one resolve in several hundred of a 1M-record store stalled about
250 ms. PASSIVE checkpoints run from a thread of their own copy the pages while
writers go on (the sqlite3 module lets go of the GIL while SQLite works). The limit
stays: the log starts over only when a writer begins with all of it copied, which a
steady stream of commits seldom allows, so a commit still reaches the limit now and
then, but finds all but the last fraction of a second already copied.

SQLite is not fork-safe: a process forked while a connection is open or busy inherits
its lock bookkeeping. So each checkpoint opens and closes its own connection, forks
wait for a checkpoint in progress, and a forked child starts its own thread on its
first commit.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from urllib.parse import quote

log = logging.getLogger(__name__)

# Seconds between checkpoints while commits keep coming: what a commit reaching the
# limit may still have to copy. Incremental resolves log about 5,000 pages a second.
CHECKPOINT_INTERVAL_SECONDS = 0.25

# Passes per wake-up at most, while commits land during each (see ``checkpoint``).
CATCH_UP_PASSES = 4

_fork_guard = threading.Lock()  # held by a checkpoint; a fork waits for it
_starting = threading.Lock()  # one thread started per process, however many commit


def _after_fork_in_child() -> None:
    global _starting  # noqa: PLW0603 - a lock another thread held at the fork stays held
    _fork_guard.release()
    _starting = threading.Lock()


os.register_at_fork(
    before=_fork_guard.acquire,
    after_in_parent=_fork_guard.release,
    after_in_child=_after_fork_in_child,
)


class WalCheckpointer:
    """One background thread per process and database file, started by a commit."""

    def __init__(self, path: str, interval: float = CHECKPOINT_INTERVAL_SECONDS) -> None:
        self.path = path
        self.interval = interval
        self.checkpoints = 0  # run by this object, for tests and benchmarks
        self.last: tuple[int, int, int] | None = None  # the last one's (busy, logged, copied)
        self._pid = -1
        self._thread: threading.Thread | None = None
        self._dirty = threading.Event()
        self._stop = threading.Event()
        self._progress = threading.Condition()

    @property
    def running(self) -> bool:
        return self._pid == os.getpid() and self._thread is not None and self._thread.is_alive()

    def committed(self) -> None:
        """Called after each commit: a checkpoint follows within ``interval``."""
        if self._pid != os.getpid():
            with _starting:
                if self._pid != os.getpid():
                    self._start()
        self._dirty.set()

    def checkpoint(self, passes: int = 1) -> tuple[int, int, int]:
        """Checkpoint now (PASSIVE): (busy, pages in the log, pages copied) of the last pass.

        Passes repeat (up to ``passes``) while the log grew during the one before, so
        little is left uncopied when the thread goes back to sleep. ``mode=rw``: a
        database file removed meanwhile is an error, not a new empty file.
        """
        with _fork_guard:
            connection = sqlite3.connect(
                f"file:{quote(self.path)}?mode=rw", uri=True, timeout=1.0, check_same_thread=False
            )
            try:
                result, seen = (0, 0, 0), -1
                for _ in range(passes):
                    result = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                    if result[1] == seen and result[2] >= result[1]:
                        break  # nothing new since the last pass, and all of it copied
                    seen = result[1]
            finally:
                connection.close()
        with self._progress:
            self.last = result
            self.checkpoints += 1
            self._progress.notify_all()
        return result

    def wait_for(self, checkpoints: int, timeout: float) -> bool:
        """Wait until this object has run ``checkpoints`` checkpoints in all."""
        with self._progress:
            return self._progress.wait_for(lambda: self.checkpoints >= checkpoints, timeout)

    def stop(self) -> None:
        """Stop the thread after a last checkpoint; the next commit starts another."""
        thread = self._thread
        if thread is not None and self._pid == os.getpid():
            self._stop.set()
            self._dirty.set()
            thread.join()
        self._pid, self._thread = -1, None

    def _start(self) -> None:
        # In a forked child the parent's thread does not exist and its events may be
        # in any state: start afresh.
        self._pid = os.getpid()
        self._dirty = threading.Event()
        self._stop = threading.Event()
        self._progress = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="crmhub-wal-checkpoint", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        stop, dirty = self._stop, self._dirty
        while not stop.is_set():
            dirty.wait()
            stop.wait(self.interval)  # gather commits for a while (or wake to stop)
            dirty.clear()
            try:
                self.checkpoint(CATCH_UP_PASSES)
            except sqlite3.Error as exc:  # a file removed or locked: the backstop remains
                log.info("WAL checkpoint of %s skipped: %s", self.path, exc)
            except Exception:  # a bug: say so, and keep the thread for the next commits
                log.exception("WAL checkpoint of %s failed", self.path)


def checkpointer_for(url_database: str | None) -> WalCheckpointer | None:
    """A checkpointer for a database file; None for an in-memory database."""
    if not url_database or url_database == ":memory:" or "mode=memory" in url_database:
        return None
    if url_database.startswith("file:"):
        return None  # a URI filename: options this module would have to parse
    return WalCheckpointer(url_database)
