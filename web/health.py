"""Health as plain data: one summary word, the public probe, and the dashboard's view."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.models import utcnow
from worker.health import Health


def status_word(health: Health) -> str:
    """down: no database; degraded: the database answers but something else does not."""
    if not health.database.ok:
        return "down"
    return "ok" if health.ok else "degraded"


def public_health(health: Health) -> dict[str, Any]:
    """What load balancers see: component states and counts, no worker names or task errors."""
    return {
        "status": status_word(health),
        "database": {"ok": health.database.ok, "detail": health.database.detail},
        "broker": {"ok": health.broker.ok, "detail": health.broker.detail},
        "workers_alive": health.workers_alive,
        "queues": dict(health.queues),
    }


def dashboard_health(health: Health, now: datetime | None = None) -> dict[str, Any]:
    """Everything the dashboard shows, with ages so the page need not trust its clock."""
    now = now or utcnow()
    return {
        **public_health(health),
        "checked_at": format_time(now),
        "workers": [
            {
                "hostname": worker.hostname,
                "pid": worker.pid,
                "queues": worker.queues,
                "last_seen": format_time(worker.last_seen),
                "seen_ago": describe_age((now - worker.last_seen).total_seconds()),
                "alive": worker.alive,
            }
            for worker in health.workers
        ],
        "recent_errors": [
            {"at": format_time(error.at), "source": error.source, "message": error.message}
            for error in health.recent_errors
        ],
    }


def describe_age(seconds: float) -> str:
    seconds = max(0, int(seconds))
    for unit, size in (("d", 86_400), ("h", 3_600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit} ago"
    return f"{seconds} s ago"


def format_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")
