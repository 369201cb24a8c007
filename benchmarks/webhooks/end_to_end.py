"""End to end: a signed web-form post in, the ``activity.logged`` webhook out.

Posts go at a fixed rate (open loop) to the running deployment (gunicorn, a worker,
beat); a local receiver subscribed to ``activity.logged`` notes when each form's
activity arrives. Latency is from the moment the post was sent to that arrival.
"""

from __future__ import annotations

from dataclasses import dataclass

from benchmarks.webhooks.forms import add_forms_source, signed_submissions
from benchmarks.webhooks.load import open_loop, percentile
from benchmarks.webhooks.receiver import Receiver
from benchmarks.webhooks.stack import Stack
from benchmarks.webhooks.stages import Stage, stage_latencies
from webhooks.outbound import create_endpoint


@dataclass(frozen=True)
class EndToEndFigures:
    posted: int
    accepted: int
    arrived: int
    rate: float
    p50_ms: float
    p95_ms: float
    max_ms: float
    other_statuses: dict[int, int]
    stages: dict[str, Stage]
    answered: Stage  # the posts' own answers (stored, 202), p50/p95 in ms


def measure_end_to_end(
    stack: Stack, rate: float, seconds: float, concurrency: int = 2
) -> EndToEndFigures:
    source = add_forms_source(stack, "End-to-end benchmark")
    count = int(rate * seconds)
    requests = signed_submissions(source, count, "e2e")
    database = stack.database()
    with Receiver() as receiver:
        with database.session() as session:
            create_endpoint(
                session,
                stack.vault(),
                receiver.url,
                event_types=("activity.logged",),
                settings_allowlist=stack.settings.outbound_allowlist,
            )
        database.dispose()
        stack.start_web()
        stack.start_worker(concurrency)
        stack.start_beat()
        outcome = open_loop(stack.settings.port, requests, rate)
        receiver.received.wait_for(outcome.accepted, timeout=120)
        arrivals = {
            str(arrival.data.get("external_id", "")): arrival.at
            for arrival in receiver.received.by_id.values()
        }
    latencies = [arrivals[key] - sent for key, sent in outcome.sent_at.items() if key in arrivals]
    others = {s: n for s, n in outcome.statuses.items() if not 200 <= s < 300}
    return EndToEndFigures(
        count,
        outcome.accepted,
        len(latencies),
        count / outcome.seconds,
        percentile(latencies, 0.50) * 1000,
        percentile(latencies, 0.95) * 1000,
        max(latencies, default=float("nan")) * 1000,
        others,
        stage_latencies(database),
        (
            percentile(outcome.latencies, 0.50) * 1000,
            percentile(outcome.latencies, 0.95) * 1000,
        ),
    )
