"""Per-process resources for tasks: settings and the database.

Tasks take ids, never objects or secrets; they reach the database through here. A forked
pool process must not share its parent's pooled connections, so each child disposes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from celery.signals import worker_process_init

from core.db import Database
from core.settings import Settings
from core.vault import Vault


@dataclass
class Runtime:
    settings: Settings
    database: Database
    vault: Vault


_runtime: Runtime | None = None


def bind(settings: Settings) -> Runtime:
    global _runtime  # noqa: PLW0603 - one runtime per process is the point
    if _runtime is None or _runtime.settings != settings:
        _runtime = Runtime(
            settings, Database(settings.database_url), Vault(settings.encryption_keys)
        )
    return _runtime


def current() -> Runtime:
    if _runtime is None:
        raise RuntimeError("the worker runtime is not bound; build the app with make_celery")
    return _runtime


@worker_process_init.connect
def _after_fork(**_kwargs: Any) -> None:
    # close=False: forget the parent's connections without closing them. Closing them
    # here would end the parent's PostgreSQL sessions and drop its SQLite file locks.
    if _runtime is not None:
        _runtime.database.engine.dispose(close=False)
