"""Inbound acceptance: signed webhooks stored and answered 2xx per second, web alone.

crmhub's hook and the trivial yardstick run on the same production server command
with the same number of processes, one after the other in the same run; the ratio
of their rates is the figure. No worker runs meanwhile: this is what the web tier
accepts, with processing left queued, as it would be during a burst.
"""

from __future__ import annotations

from dataclasses import dataclass

from benchmarks.webhooks.forms import add_forms_source, signed_submissions
from benchmarks.webhooks.load import Outcome, closed_loop, percentile
from benchmarks.webhooks.stack import Stack


@dataclass(frozen=True)
class Acceptance:
    accepted: int
    per_second: float
    p50_ms: float
    p99_ms: float
    other_statuses: dict[int, int]
    errors: int

    @classmethod
    def of(cls, outcome: Outcome) -> Acceptance:
        others = {s: n for s, n in outcome.statuses.items() if not 200 <= s < 300}
        return cls(
            outcome.accepted,
            outcome.accepted / outcome.seconds,
            percentile(outcome.latencies, 0.50) * 1000,
            percentile(outcome.latencies, 0.99) * 1000,
            others,
            outcome.errors,
        )


@dataclass(frozen=True)
class InboundFigures:
    crmhub: Acceptance
    trivial: Acceptance
    stored: int

    @property
    def ratio(self) -> float:
        return self.crmhub.per_second / self.trivial.per_second


def measure_inbound(
    stack: Stack, seconds: float, clients: int, web_workers: int = 2
) -> InboundFigures:
    source = add_forms_source(stack, "Acceptance benchmark")
    requests = signed_submissions(source, 200_000, "accept")
    trivial_process, trivial_port = stack.start_trivial(web_workers)
    closed_loop(trivial_port, requests[:200], clients, 2.0)  # warm up
    trivial = closed_loop(trivial_port, requests, clients, seconds)
    stack.stop(trivial_process)
    web = stack.start_web(web_workers)
    warm = requests[-300:]
    closed_loop(stack.settings.port, warm, clients, 2.0)
    before = _stored(stack)  # the warm-up's posts are not counted
    measured = closed_loop(stack.settings.port, requests[: len(requests) - 300], clients, seconds)
    stack.stop(web)
    stored = _stored(stack) - before
    return InboundFigures(Acceptance.of(measured), Acceptance.of(trivial), stored)


def _stored(stack: Stack) -> int:
    from sqlalchemy import func, select  # noqa: PLC0415 - only the count needs it

    from core.models import InboundEvent  # noqa: PLC0415

    database = stack.database()
    with database.session() as session:
        count = session.scalar(select(func.count()).select_from(InboundEvent)) or 0
    database.dispose()
    return count
