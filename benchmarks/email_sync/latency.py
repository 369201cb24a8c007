"""Push latency: from a message arriving in Gmail to its activity being readable.

The emulator pushes to the deployment's ``POST /push/gmail`` (Google's OIDC token,
signed by the emulator's key, verified against its certificate URL); the endpoint
queues an incremental sync, a worker reads history and logs the mail. Beat is not
running, so no poll can bring a message in: every figure is the push path's.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

from sqlalchemy import select

from benchmarks.webhooks.stack import Stack
from connectors.gmail.emulator import GmailEmulator
from core.db import Database
from core.models import MailboxMessage
from worker.app import make_celery

RENEW_TASK = "worker.tasks.sync.renew_watches"


@dataclass
class Latency:
    seconds: list[float]
    skipped: int
    stats: dict[str, int]

    def report(self) -> str:
        ordered = sorted(self.seconds)
        p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)] if ordered else float("nan")
        return "\n".join(
            [
                f"-- push to activity visible, {len(ordered)} messages --",
                f"p50                        {statistics.median(ordered):8.3f} s",
                f"p95                        {p95:8.3f} s",
                f"max                        {ordered[-1]:8.3f} s",
                f"not logged (policy)        {self.skipped:8d}",
                f"pushes sent / failed       {self.stats.get('push_sent', 0)} / "
                f"{self.stats.get('push_failures', 0)}",
            ]
        )


def run(stack: Stack, emulator: GmailEmulator, email: str, *, count: int, pace: float) -> Latency:
    """Add ``count`` messages ``pace`` seconds apart; time each to its activity."""
    database = stack.database()
    web = stack.start_web(workers=2)
    worker = stack.start_worker(concurrency=2)
    try:
        make_celery(stack.settings).send_task(RENEW_TASK)
        _wait(lambda: email in emulator.state.watches, 60, "the mailbox was never watched")
        emulator.pusher.audience = stack.settings.gmail_push_audience
        emulator.pusher.endpoint = f"{stack.base_url}/push/gmail"
        emulator.counters.reset()
        seconds: list[float] = []
        skipped = 0
        for _ in range(count):
            tick = time.monotonic()
            added = emulator.add_message(email)
            visible = _visible(database, added, timeout=30)
            if visible is None:
                skipped += 1
            else:
                seconds.append(visible - tick)
            time.sleep(max(0.0, pace - (time.monotonic() - tick)))
        stats = {k: v for k, v in emulator.stats().items() if k.startswith("push_")}
        return Latency(seconds, skipped, stats)
    finally:
        emulator.pusher.endpoint = None
        stack.stop(worker)
        stack.stop(web)
        database.dispose()


def _visible(database: Database, provider_id: str, timeout: float) -> float | None:
    """When the message's activity could be read; None when the message was not logged."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with database.session() as session:
            row = session.execute(
                select(MailboxMessage.activity_id).where(MailboxMessage.provider_id == provider_id)
            ).first()
        if row is not None:
            return time.monotonic() if row.activity_id is not None else None
        time.sleep(0.02)
    raise RuntimeError(f"message {provider_id} was not synced within {timeout} s of its push")


def _wait(condition: object, timeout: float, message: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise RuntimeError(message)
        time.sleep(0.1)
