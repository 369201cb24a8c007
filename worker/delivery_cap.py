"""A task base class that counts deliveries of each message in the database.

With late acknowledgement a message whose worker dies is delivered again. A message that
kills its worker every time (a poison message) would loop forever; this cap stops it after
``max_task_deliveries`` and records why, where the dashboard shows it.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Task
from sqlalchemy import select

from core.models import TaskDelivery, utcnow
from core.upsert import upsert
from worker import runtime

log = logging.getLogger(__name__)


class CappedTask(Task):  # type: ignore[misc]
    """Run the task body only while the message's delivery count is within the cap."""

    abstract = True

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        task_id = self.request.id
        if task_id is None:  # called directly, not through a worker
            return super().__call__(*args, **kwargs)
        deliveries = self._count_delivery(task_id)
        cap = runtime.current().settings.max_task_deliveries
        if deliveries > cap:
            self._set_state(task_id, "poisoned", f"gave up after {cap} deliveries")
            log.error("task %s[%s] gave up after %s deliveries", self.name, task_id, cap)
            return None
        try:
            result = super().__call__(*args, **kwargs)
        except Exception as exc:
            self._set_state(task_id, "failed", f"{type(exc).__name__}: {exc}"[:1000])
            raise
        self._set_state(task_id, "succeeded", "")
        return result

    def _count_delivery(self, task_id: str) -> int:
        now = utcnow()
        with runtime.current().database.session() as session:
            upsert(
                session,
                TaskDelivery,
                key={"task_id": task_id},
                insert={
                    "name": self.name,
                    "deliveries": 1,
                    "state": "started",
                    "first_seen": now,
                    "last_seen": now,
                },
                update={
                    "deliveries": TaskDelivery.deliveries + 1,
                    "state": "started",
                    "last_seen": now,
                },
            )
            return int(
                session.scalar(
                    select(TaskDelivery.deliveries).where(TaskDelivery.task_id == task_id)
                )
                or 0
            )

    def _set_state(self, task_id: str, state: str, error: str) -> None:
        with runtime.current().database.session() as session:
            row = session.get(TaskDelivery, task_id)
            if row is not None:
                row.state = state
                row.error = error
                row.last_seen = utcnow()
