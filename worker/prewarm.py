"""Preload a SQLite store into the page cache once a worker is ready (see
``core/sqlite_prewarm.py``). The page cache is shared by every process on the machine,
so the worker's main process does it once for its pool; PostgreSQL keeps its own cache.
"""

from __future__ import annotations

import threading
from typing import Any

from celery.signals import worker_ready

from core.sqlite_prewarm import prewarm_store
from worker import runtime


def install() -> None:
    """Connect the signal handler once per process (idempotent)."""
    worker_ready.connect(_on_ready, weak=False, dispatch_uid="crmhub-sqlite-prewarm")


def _on_ready(**_kwargs: Any) -> threading.Thread | None:
    rt = runtime.current()
    return prewarm_store(rt.database, rt.settings.sqlite_prewarm)
