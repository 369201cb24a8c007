"""Celery configuration derived from crmhub settings.

The reliability settings here are the ones RELIABILITY.md requires; tests run tasks in
real worker processes and read them back, so a change here that weakens them fails.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from kombu import Queue

from core.settings import Settings
from worker.queues import QUEUE_NAMES, broker_transport_options
from worker.sql_broker import POLLING_INTERVAL_SECONDS, celery_broker

# Tasks route to queues by module, so a slow backfill never delays webhook intake.
TASK_ROUTES = {
    "worker.tasks.sync.*": {"queue": "sync"},
    "worker.tasks.ingest.*": {"queue": "ingest"},
    "worker.tasks.imports.*": {"queue": "ingest"},
    "worker.tasks.deliver.*": {"queue": "deliver"},
}

BEAT_SCHEDULE = {
    "beat-tick": {"task": "worker.tasks.maintenance.beat_tick", "schedule": timedelta(seconds=30)},
    "purge-old-rows": {"task": "worker.tasks.maintenance.purge", "schedule": timedelta(hours=1)},
    # Resolves read common keys' shares from this count instead of counting them.
    "count-common-keys": {
        "task": "worker.tasks.maintenance.count_common_keys",
        "schedule": timedelta(hours=1),
        "options": {"expires": 3000},
    },
    "requeue-queued-imports": {
        "task": "worker.tasks.imports.requeue_queued_imports",
        "schedule": timedelta(minutes=1),
        "options": {"expires": 50},
    },
    # The inbox sweeper: a lost broker message delays an inbound event, never loses it.
    "sweep-inbound": {
        "task": "worker.tasks.ingest.sweep_inbound",
        "schedule": timedelta(seconds=15),
        "options": {"expires": 10},
    },
    # The webhook sweepers: a lost broker message delays delivery by one tick, no more.
    "dispatch-outbox": {
        "task": "worker.tasks.deliver.dispatch_outbox",
        "schedule": timedelta(seconds=2),
        "options": {"expires": 10},
    },
    "deliver-due": {
        "task": "worker.tasks.deliver.deliver_due",
        "schedule": timedelta(seconds=2),
        "options": {"expires": 10},
    },
    # Gmail push watches expire after 7 days; Google recommends renewing them daily.
    "renew-mail-watches": {
        "task": "worker.tasks.sync.renew_watches",
        "schedule": timedelta(days=1),
        "options": {"expires": 3600},
    },
}

TASK_MODULES = (
    "worker.tasks.maintenance",
    "worker.tasks.imports",
    "worker.tasks.deliver",
    "worker.tasks.ingest",
    "worker.tasks.sync",
)


def beat_schedule(settings: Settings) -> dict[str, Any]:
    """The fixed schedule plus the mailbox poll, whose interval is a setting."""
    poll = {
        "task": "worker.tasks.sync.poll_mailboxes",
        "schedule": timedelta(minutes=settings.mail_poll_minutes),
        "options": {"expires": 60},
    }
    reconcile = {
        "task": "worker.tasks.sync.reconcile_mailboxes",
        "schedule": timedelta(days=1),
        "options": {"expires": 3600},
    }
    # Graph mail subscriptions last at most 4,230 minutes; those due within a day are renewed.
    renew_outlook = {
        "task": "worker.tasks.sync.renew_outlook_subscriptions",
        "schedule": timedelta(hours=6),
        "options": {"expires": 3600},
    }
    return {
        **BEAT_SCHEDULE,
        "poll-mailboxes": poll,
        "reconcile-mailboxes": reconcile,
        "renew-outlook-subscriptions": renew_outlook,
    }


def celery_config(settings: Settings) -> dict[str, Any]:
    transport_options: dict[str, Any] = dict(broker_transport_options(settings.broker_url))
    broker: dict[str, Any] = {"broker_url": settings.broker_url}
    if settings.broker_is_sql:
        url, transport = celery_broker(settings.broker_url)
        broker = {"broker_url": url, "broker_transport": transport}
        transport_options["polling_interval"] = POLLING_INTERVAL_SECONDS
    else:
        # Longer than the longest task, or Redis hands a running task to a second worker.
        transport_options["visibility_timeout"] = settings.visibility_timeout
    return {
        **broker,
        "broker_transport_options": transport_options,
        "broker_connection_retry_on_startup": True,
        "result_backend": None,
        "task_ignore_result": True,
        "task_serializer": "json",
        "accept_content": ["json"],
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_time_limit": settings.task_time_limit,
        "task_soft_time_limit": max(settings.task_time_limit - 30, 5),
        "worker_cancel_long_running_tasks_on_connection_loss": True,
        "task_default_queue": "default",
        "task_queues": tuple(Queue(name) for name in QUEUE_NAMES),
        "task_routes": TASK_ROUTES,
        "task_create_missing_queues": False,
        "beat_schedule": beat_schedule(settings),
        "timezone": "UTC",
        "enable_utc": True,
        "worker_hijack_root_logger": False,
        "worker_send_task_events": False,
    }
