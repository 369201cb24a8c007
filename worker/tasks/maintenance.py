"""Housekeeping run by beat: the scheduler's own tick, the purge of old rows, and the
recount of the store's common keys."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from sqlalchemy import delete

from core.identity.common_keys import refresh_common_keys
from core.models import AppSetting, LoginAttempt, TaskDelivery, WorkerHeartbeat, utcnow
from core.upsert import upsert
from worker import runtime
from worker.delivery_cap import CappedTask

BEAT_TICK_KEY = "scheduler.last_tick"
KEEP_LOGIN_ATTEMPTS = timedelta(days=1)
KEEP_FINISHED_TASKS = timedelta(days=7)
KEEP_STALE_WORKERS = timedelta(days=1)


@shared_task(base=CappedTask, name="worker.tasks.maintenance.beat_tick")
def beat_tick() -> None:
    """Record that beat scheduled and a worker ran this, so health can show the scheduler."""
    now = utcnow()
    with runtime.current().database.session() as session:
        upsert(
            session,
            AppSetting,
            key={"key": BEAT_TICK_KEY},
            insert={"value": {"at": now.isoformat()}, "updated_at": now},
            update={"value": {"at": now.isoformat()}, "updated_at": now},
        )


@shared_task(base=CappedTask, name="worker.tasks.maintenance.purge")
def purge() -> dict[str, int]:
    """Delete rows that only matter for a while: failed sign-ins, finished task counters."""
    now = utcnow()
    with runtime.current().database.session() as session:
        counts = {
            "login_attempts": session.execute(
                delete(LoginAttempt).where(LoginAttempt.at < now - KEEP_LOGIN_ATTEMPTS)
            ).rowcount,
            "task_deliveries": session.execute(
                delete(TaskDelivery).where(
                    TaskDelivery.state.in_(("succeeded", "failed", "poisoned")),
                    TaskDelivery.last_seen < now - KEEP_FINISHED_TASKS,
                )
            ).rowcount,
            "worker_heartbeats": session.execute(
                delete(WorkerHeartbeat).where(WorkerHeartbeat.last_seen < now - KEEP_STALE_WORKERS)
            ).rowcount,
        }
    return counts


@shared_task(base=CappedTask, name="worker.tasks.maintenance.count_common_keys")
def count_common_keys() -> int:
    """Recount the keys many records hold, so resolves read their shares (hourly)."""
    return refresh_common_keys(runtime.current().database)
