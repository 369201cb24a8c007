"""System health as the dashboard, the API and `crmhub status` report it.

Workers are seen through their heartbeat rows in the database, which works the same on
the SQLite-backed transport (no remote control there) and on Redis.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from core.db import Database, DatabaseUnavailable
from core.models import (
    Delivery,
    InboundEvent,
    SyncRun,
    TaskDelivery,
    WorkerHeartbeat,
    utcnow,
)
from core.settings import Settings
from worker.queues import QUEUE_NAMES, BrokerUnavailable, queue_depths

RECENT_ERRORS = 10


@dataclass(frozen=True)
class ComponentState:
    ok: bool
    detail: str


@dataclass(frozen=True)
class WorkerInfo:
    hostname: str
    pid: int
    queues: str
    last_seen: datetime
    alive: bool


@dataclass(frozen=True)
class ErrorInfo:
    at: datetime
    source: str
    message: str


@dataclass(frozen=True)
class Health:
    database: ComponentState
    broker: ComponentState
    workers: list[WorkerInfo] = field(default_factory=list)
    queues: dict[str, int | None] = field(default_factory=dict)
    recent_errors: list[ErrorInfo] = field(default_factory=list)

    @property
    def workers_alive(self) -> int:
        return sum(1 for worker in self.workers if worker.alive)

    @property
    def ok(self) -> bool:
        return self.database.ok and self.broker.ok and self.workers_alive > 0


def collect_health(settings: Settings, database: Database) -> Health:
    """Probe the database and the broker, and read workers and errors from the database."""
    try:
        database.ping()
        db_state = ComponentState(True, database.dialect)
    except DatabaseUnavailable as exc:
        db_state = ComponentState(False, str(exc))
    try:
        depths: dict[str, int | None] = dict(queue_depths(settings.broker_url))
        broker_state = ComponentState(True, settings.broker_url.split("://", 1)[0])
    except BrokerUnavailable as exc:
        depths = dict.fromkeys(QUEUE_NAMES)
        broker_state = ComponentState(False, str(exc))
    if not db_state.ok:
        return Health(database=db_state, broker=broker_state, queues=depths)
    return Health(
        database=db_state,
        broker=broker_state,
        workers=list_workers(database, settings.heartbeat_interval),
        queues=depths,
        recent_errors=recent_errors(database),
    )


def list_workers(database: Database, heartbeat_interval: float) -> list[WorkerInfo]:
    """A worker counts as alive while its heartbeat is at most three intervals old."""
    cutoff = utcnow() - timedelta(seconds=3 * heartbeat_interval + 1)
    with database.session() as session:
        rows = session.scalars(select(WorkerHeartbeat).order_by(WorkerHeartbeat.hostname))
        return [
            WorkerInfo(row.hostname, row.pid, row.queues, row.last_seen, row.last_seen >= cutoff)
            for row in rows
        ]


def recent_errors(database: Database, limit: int = RECENT_ERRORS) -> list[ErrorInfo]:
    """The newest failures across sync runs, inbound events, deliveries and poisoned tasks."""
    sources = (
        (
            SyncRun,
            SyncRun.status == "failed",
            SyncRun.id.desc(),
            lambda r: ErrorInfo(r.finished_at or r.created_at, f"sync run {r.id}", r.error),
        ),
        (
            InboundEvent,
            InboundEvent.status == "failed",
            InboundEvent.id.desc(),
            lambda r: ErrorInfo(r.received_at, f"inbound event {r.id}", r.error),
        ),
        (
            Delivery,
            Delivery.status == "failed",
            Delivery.id.desc(),
            lambda r: ErrorInfo(r.updated_at, f"delivery {r.id}", r.last_error),
        ),
        (
            TaskDelivery,
            TaskDelivery.state == "poisoned",
            TaskDelivery.last_seen.desc(),
            lambda r: ErrorInfo(r.last_seen, f"task {r.name}", r.error),
        ),
    )
    errors: list[ErrorInfo] = []
    with database.session() as session:
        for model, failed, newest_first, describe in sources:
            query = select(model).where(failed).order_by(newest_first).limit(limit)
            errors += [describe(row) for row in session.scalars(query)]
    errors.sort(key=lambda error: error.at, reverse=True)
    return errors[:limit]
