"""Queueing background work from the web process.

Tasks are sent through the same Celery configuration the workers read (broker, queues,
routes), built once per app from its settings. It is made current for the request's
thread before anything is sent, so two apps in one process (tests, a demo) never send
to each other's broker.
"""

from __future__ import annotations

from celery import Celery
from flask import current_app

from web.context import hub
from worker.app import make_celery

EXTENSION_KEY = "crmhub.celery"


def job_queue() -> Celery:
    """This app's Celery application, current for the calling thread."""
    app: Celery | None = current_app.extensions.get(EXTENSION_KEY)
    if app is None:
        app = make_celery(hub().settings)
        current_app.extensions[EXTENSION_KEY] = app
    app.set_current()
    return app
