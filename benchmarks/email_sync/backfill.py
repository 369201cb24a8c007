"""One backfill round: N mailboxes synced at once by real workers, quota enforced.

The quota-bound maximum per mailbox is what 15,000 units a minute allow: each message
costs a 5-unit get plus its share of a 5-unit list page (500 ids), so at steady state
250 / (5 + 5/500) = 49.9 messages/s. The budget is a sliding minute that starts empty,
so the first minute may burst up to 15,000 units: runs shorter than that can beat the
steady bound; the burst-aware bound (the fastest time the window allows) is printed too.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from benchmarks.email_sync import memory
from benchmarks.webhooks.stack import Stack
from connectors.gmail.emulator import GmailEmulator
from core.db import Database
from core.models import Activity, Customer, MailboxMessage
from worker.app import make_celery

QUOTA_PER_MINUTE = 15_000
GET_UNITS = 5
LIST_UNITS = 5
PAGE_SIZE = 500
SYNC_TASK = "worker.tasks.sync.sync_connector"


def units_for(messages: int) -> float:
    """Quota units a backfill of this many messages costs (profile, list pages, gets)."""
    return 1 + LIST_UNITS * math.ceil(messages / PAGE_SIZE) + GET_UNITS * messages


def steady_bound() -> float:
    """Messages/s per mailbox at the quota's steady rate."""
    return QUOTA_PER_MINUTE / 60 / (GET_UNITS + LIST_UNITS / PAGE_SIZE)


def burst_bound(messages: int) -> float:
    """Messages/s per mailbox when the first minute's whole budget is spent at once."""
    beyond = units_for(messages) - QUOTA_PER_MINUTE
    return math.inf if beyond <= 0 else messages / (beyond / (QUOTA_PER_MINUTE / 60))


@dataclass
class Round:
    mailboxes: int
    messages: int  # across all mailboxes
    seconds: float
    per_mailbox: dict[str, float]  # messages/s
    activities: int
    customers: int
    stats: dict[str, Any]
    peak_rss_kb: int

    def report(self) -> str:
        overall = self.messages / self.seconds
        slowest = min(self.per_mailbox.values())
        per_message = self.messages or 1
        quota_errors = self.stats.get("quota_errors", 0)
        lines = [
            f"-- backfill, {self.mailboxes} mailbox(es), {self.messages} messages --",
            f"wall time                  {self.seconds:8.1f} s",
            f"overall                    {overall:8.1f} messages/s",
            *(f"  {email:<24} {rate:8.1f} messages/s" for email, rate in self.per_mailbox.items()),
            f"slowest mailbox vs steady quota bound ({steady_bound():.1f}/s)  "
            f"{slowest / steady_bound():7.1%}",
            f"burst-aware bound          {_bound(self.messages // self.mailboxes)}",
            f"HTTP requests per message  {self.stats.get('http_requests', 0) / per_message:8.3f}",
            f"API calls per message      {_api_calls(self.stats) / per_message:8.3f}",
            f"quota units per message    {self.stats.get('units_used', 0) / per_message:8.2f}",
            f"quota errors (429)         {quota_errors:8d}",
            f"all rate-limit errors      {self.stats.get('rate_limit_errors', 0):8d}",
            f"activities logged          {self.activities:8d}",
            f"customers created          {self.customers:8d}",
            f"peak RSS of workers        {self.peak_rss_kb / 1024:8.1f} MiB (sum of VmHWM)",
        ]
        return "\n".join(lines)


def run(
    stack: Stack,
    emulator: GmailEmulator,
    connectors: dict[str, int],
    *,
    workers_per_two: int = 1,
    timeout: float = 1800,
) -> Round:
    """Backfill these mailboxes at once; returns when every message is accounted for."""
    truth = {email: len(emulator.organization.truth()[email].keys) for email in connectors}
    database = stack.database()
    workers = [
        stack.start_worker(concurrency=2)
        for _ in range(max(1, math.ceil(len(connectors) / 2)) * workers_per_two)
    ]
    try:
        activities, customers = _count(database, Activity), _count(database, Customer)
        emulator.counters.reset()
        celery = make_celery(stack.settings)
        started = time.monotonic()
        for connector_id in connectors.values():
            celery.send_task(SYNC_TASK, args=[connector_id])
        finished = _wait(database, connectors, truth, started, timeout)
        seconds = max(finished.values()) - started
        peak = sum(sum(memory.peak_rss_kb(w.process.pid).values()) for w in workers)
        return Round(
            mailboxes=len(connectors),
            messages=sum(truth.values()),
            seconds=seconds,
            per_mailbox={e: truth[e] / (finished[e] - started) for e in connectors},
            activities=_count(database, Activity) - activities,
            customers=_count(database, Customer) - customers,
            stats=emulator.stats(),
            peak_rss_kb=peak,
        )
    finally:
        for worker in workers:
            stack.stop(worker)
        database.dispose()


def _wait(
    database: Database,
    connectors: dict[str, int],
    truth: dict[str, int],
    started: float,
    timeout: float,
) -> dict[str, float]:
    """When each mailbox had all its messages accounted for (monotonic seconds)."""
    finished: dict[str, float] = {}
    while len(finished) < len(connectors):
        if time.monotonic() - started > timeout:
            raise RuntimeError(f"backfill unfinished after {timeout} s: {sorted(finished)} done")
        with database.session() as session:
            counts = dict(
                session.execute(
                    select(MailboxMessage.connector_id, func.count())
                    .where(MailboxMessage.connector_id.in_(connectors.values()))
                    .group_by(MailboxMessage.connector_id)
                ).all()
            )
        now = time.monotonic()
        for email, connector_id in connectors.items():
            if email not in finished and counts.get(connector_id, 0) >= truth[email]:
                finished[email] = now
        time.sleep(0.25)
    return finished


def _count(database: Database, model: type) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def _api_calls(stats: dict[str, Any]) -> int:
    return sum(v for k, v in stats.items() if k.startswith("requests.") and isinstance(v, int))


def _bound(messages: int) -> str:
    bound = burst_bound(messages)
    if math.isinf(bound):
        return "none: the whole backfill fits in the first minute's budget"
    return f"{bound:8.1f} messages/s per mailbox"
