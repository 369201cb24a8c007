"""Worker heartbeat: a row per worker, refreshed on a timer from the worker's main process.

The dashboard calls a worker alive while its row is fresh. A clean shutdown removes the
row; a killed worker's row simply goes stale.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

from celery.signals import worker_ready, worker_shutdown
from sqlalchemy import delete
from sqlalchemy.pool import NullPool

from core.db import Database
from core.models import WorkerHeartbeat, utcnow
from core.upsert import upsert
from worker import runtime

log = logging.getLogger(__name__)


# SQLite is not fork-safe: a pool process forked while this thread is inside a
# transaction inherits SQLite's in-process lock bookkeeping and then waits forever for
# a lock nobody in it holds ("database is locked" after the busy timeout). So forks wait
# for a beat to finish, and a beat keeps no connection open between beats.
_fork_guard = threading.Lock()
os.register_at_fork(
    before=_fork_guard.acquire,
    after_in_parent=_fork_guard.release,
    after_in_child=_fork_guard.release,
)


class Heartbeat:
    def __init__(self, database: Database, hostname: str, queues: str, interval: float) -> None:
        self.database = database
        self.hostname = hostname
        self.queues = queues
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="crmhub-heartbeat", daemon=True)

    def start(self) -> None:
        self.beat()
        self._thread.start()

    def beat(self) -> None:
        now = utcnow()
        with _fork_guard, self.database.session() as session:
            upsert(
                session,
                WorkerHeartbeat,
                key={"hostname": self.hostname},
                insert={
                    "pid": os.getpid(),
                    "queues": self.queues,
                    "started_at": now,
                    "last_seen": now,
                },
                update={"pid": os.getpid(), "queues": self.queues, "last_seen": now},
            )

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=self.interval + 5)
        with self.database.session() as session:
            session.execute(
                delete(WorkerHeartbeat).where(WorkerHeartbeat.hostname == self.hostname)
            )

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.beat()
            except Exception as exc:  # the next beat retries; a stale row shows the problem
                log.warning("heartbeat failed: %s", exc)


_current: Heartbeat | None = None


def install() -> None:
    """Connect the signal handlers once per process (idempotent)."""
    worker_ready.connect(_on_ready, weak=False, dispatch_uid="crmhub-heartbeat-ready")
    worker_shutdown.connect(_on_shutdown, weak=False, dispatch_uid="crmhub-heartbeat-stop")


def _on_ready(sender: Any = None, **_kwargs: Any) -> None:
    global _current  # noqa: PLW0603 - one heartbeat per worker process
    rt = runtime.current()
    consumer = sender
    queues = ",".join(sorted(q.name for q in consumer.task_consumer.queues)) if consumer else ""
    hostname = getattr(consumer, "hostname", None) or f"worker@{os.uname().nodename}"
    # NullPool: no connection stays open in the main process for pool processes to inherit.
    database = Database(rt.settings.database_url, poolclass=NullPool)
    _current = Heartbeat(database, hostname, queues, rt.settings.heartbeat_interval)
    _current.start()


def _on_shutdown(**_kwargs: Any) -> None:
    if _current is not None:
        _current.stop()
