"""Outbound: deliveries per second from the outbox to a local receiver, real workers.

N events are committed at once to one endpoint; beat's sweeper fans them out and
``crmhub worker`` processes sign and send them. The figure is N over the time from
the first arrival to the last (sending), next to the time from commit (whole path).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from benchmarks.webhooks.receiver import Receiver
from benchmarks.webhooks.stack import Stack
from core.outbox import write_event
from webhooks.outbound import create_endpoint


@dataclass(frozen=True)
class OutboundFigures:
    events: int
    delivered: int
    sending_per_second: float
    whole_path_per_second: float
    duplicates: int


def measure_outbound(stack: Stack, events: int, concurrency: int = 2) -> OutboundFigures:
    database = stack.database()
    with Receiver() as receiver:
        with database.session() as session:
            create_endpoint(
                session,
                stack.vault(),
                receiver.url,
                event_types=("customer.*",),
                settings_allowlist=stack.settings.outbound_allowlist,
            )
        worker = stack.start_worker(concurrency)
        beat = stack.start_beat()
        with database.session() as session:
            for number in range(events):
                write_event(
                    session,
                    "customer.updated",
                    subject_type="customer",
                    subject_id=number + 1,
                    sequence=1,
                    payload={"id": number + 1, "version": 1, "golden": {"full_name": "Ann"}},
                )
        committed = time.monotonic()
        receiver.received.wait_for(events, timeout=max(120.0, events / 50))
        stack.stop(beat)
        stack.stop(worker)
    database.dispose()
    arrivals = sorted(a.at for a in receiver.received.by_id.values())
    delivered = len(arrivals)
    sending = delivered / (arrivals[-1] - arrivals[0]) if delivered > 1 else 0.0
    whole = delivered / (arrivals[-1] - committed) if delivered else 0.0
    return OutboundFigures(events, delivered, sending, whole, receiver.received.posts - delivered)
