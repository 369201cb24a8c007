"""The product's Celery app plus probe tasks, loaded by real worker processes in tests.

The probes report from inside the worker what configuration is in force and how the
message was delivered, and misbehave on purpose (die mid-task, block until released).
"""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path
from typing import Any

from celery import shared_task

from core.models import AppSetting
from core.settings import load_settings
from core.upsert import upsert
from worker import runtime
from worker.app import make_celery
from worker.delivery_cap import CappedTask

app = make_celery(load_settings())


def _record(key: str, value: dict[str, Any]) -> None:
    with runtime.current().database.session() as session:
        upsert(
            session, AppSetting, key={"key": key}, insert={"value": value}, update={"value": value}
        )


@shared_task(bind=True, base=CappedTask, name="probe.report_config")
def report_config(self: Any) -> None:
    conf = self.app.conf
    _record(
        "probe.config",
        {
            "task_acks_late": conf.task_acks_late,
            "task_reject_on_worker_lost": conf.task_reject_on_worker_lost,
            "worker_prefetch_multiplier": conf.worker_prefetch_multiplier,
            "task_time_limit": conf.task_time_limit,
            "visibility_timeout": conf.broker_transport_options.get("visibility_timeout"),
            "broker": conf.broker_url.split("://", 1)[0],
            "transport": conf.broker_transport or "",
            "polling_interval": self.app.connection_for_read().transport.polling_interval,
            "queue": self.request.delivery_info.get("routing_key"),
            "worker_pid": os.getpid(),
        },
    )


@shared_task(bind=True, base=CappedTask, name="probe.die_once")
def die_once(self: Any, marker: str) -> None:
    """Kill its own pool process on the first delivery; succeed on the next."""
    path = Path(marker)
    if not path.exists():
        path.write_text(str(os.getpid()))
        os.kill(os.getpid(), signal.SIGKILL)
    _record("probe.die_once", {"survived_in": os.getpid(), "died_in": int(path.read_text())})


@shared_task(bind=True, base=CappedTask, name="probe.always_die")
def always_die(self: Any) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


@shared_task(bind=True, base=CappedTask, name="probe.block")
def block(self: Any, key: str, release: str) -> None:
    """Hold the worker until the test creates the release file (bounded to 60 s)."""
    _record(f"probe.block.{key}", {"state": "started"})
    waiter = threading.Event()
    for _ in range(1200):
        if Path(release).exists():
            break
        waiter.wait(0.05)
    _record(f"probe.block.{key}", {"state": "done"})


__all__ = ["always_die", "app", "block", "die_once", "report_config"]
