"""The Celery application: one per process, built from the same settings as the web app."""

from __future__ import annotations

from collections.abc import Iterable

from celery import Celery

from core.settings import Settings
from worker.config import TASK_MODULES, celery_config


def make_celery(settings: Settings, extra_task_modules: Iterable[str] = ()) -> Celery:
    """Build the app and make it current, so ``shared_task`` tasks bind to it."""
    app = Celery("crmhub", set_as_current=True)
    app.config_from_object(celery_config(settings))
    app.conf.include = [*TASK_MODULES, *extra_task_modules]
    app.set_default()
    # Import the task modules now so they register before a worker or sender uses them.
    app.loader.import_default_modules()
    from worker import heartbeat, prewarm, runtime  # noqa: PLC0415 - signal handlers need the app

    runtime.bind(settings)
    heartbeat.install()
    prewarm.install()
    return app
