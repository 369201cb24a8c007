"""Outbound webhooks delivered by real worker and beat processes, on both transports.

Beat runs the sweepers (dispatch_outbox, deliver_due every 2 s), the worker sends to a
local receiver that verifies every request with ``standardwebhooks``. The delivery
options are shortened through the ``webhooks.delivery`` setting so retries and leases
take seconds, not hours.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from core.models import AppSetting, Delivery, DeliveryAttempt, WebhookEndpoint
from core.outbox import write_event
from core.settings import load_settings
from core.upsert import upsert
from core.vault import Vault
from tests.waiting import wait_until
from tests.webhooks.outbound.receivers import Receiver, Reply
from tests.worker.conftest import ROOT, WorkerHarness
from tests.worker.killing import kill_tree
from webhooks.outbound import create_endpoint
from webhooks.outbound.options import OPTIONS_KEY

pytestmark = pytest.mark.e2e

LOOPBACK = "127.0.0.1/32"
FAST = {
    "retry_schedule": [0, 0.2, 0.2, 0.2],
    "timeout_seconds": 2,
    "lease_seconds": 3,
    "batch_size": 10,
}


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    started = Receiver().start()
    yield started
    started.stop()


@pytest.fixture
def gone() -> Iterator[Receiver]:
    started = Receiver(default=Reply(410)).start()
    yield started
    started.stop()


@pytest.fixture
def stalled() -> Iterator[Receiver]:
    started = Receiver().start()
    yield started
    started.stop()


def _prepare(harness: WorkerHarness) -> Vault:
    """Allow loopback for the worker and shorten the schedule; the vault the worker uses."""
    harness.env["CRMHUB_OUTBOUND_ALLOWLIST"] = LOOPBACK
    with harness.database.session() as session:
        upsert(
            session,
            AppSetting,
            key={"key": OPTIONS_KEY},
            insert={"value": FAST},
            update={"value": FAST},
        )
    return Vault(load_settings(harness.env).encryption_keys)


def _endpoint(harness: WorkerHarness, vault: Vault, receiver: Receiver, types: str) -> int:
    with harness.database.session() as session:
        created = create_endpoint(
            session, vault, receiver.url, event_types=[types], settings_allowlist=(LOOPBACK,)
        )
        receiver.secrets.append(created.secret)
        return created.endpoint.id


def _event(harness: WorkerHarness, event_type: str) -> str:
    with harness.database.session() as session:
        event = write_event(
            session,
            event_type,
            subject_type="customer",
            subject_id=1,
            sequence=3,
            payload={"id": 1, "email": "ada@example.com"},
        )
        session.flush()
        return event.event_id


def _start_beat(harness: WorkerHarness) -> None:
    folder = harness.log_dir / "beat"
    folder.mkdir(exist_ok=True)
    log = (folder / "beat.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tests.worker.probe_app",
            "beat",
            "-s",
            str(folder / "schedule"),
            "--pidfile",
            str(folder / "beat.pid"),
            "--loglevel",
            "INFO",
        ],
        cwd=ROOT,
        env=harness.env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    harness.processes.append(process)


def _delivery(harness: WorkerHarness, endpoint_id: int) -> Delivery | None:
    with harness.database.session() as session:
        return session.scalar(select(Delivery).where(Delivery.endpoint_id == endpoint_id))


def _status(harness: WorkerHarness, endpoint_id: int) -> str | None:
    delivery = _delivery(harness, endpoint_id)
    return None if delivery is None else delivery.status


def _endpoint_row(harness: WorkerHarness, endpoint_id: int) -> WebhookEndpoint:
    with harness.database.session() as session:
        row = session.get(WebhookEndpoint, endpoint_id)
        assert row is not None
        return row


def _attempt_codes(harness: WorkerHarness, delivery_id: int) -> list[int | None]:
    with harness.database.session() as session:
        query = select(DeliveryAttempt.status_code).where(
            DeliveryAttempt.delivery_id == delivery_id
        )
        return list(session.scalars(query.order_by(DeliveryAttempt.id)))


# The embedded and the production pairing: both databases and both transports, in the
# time two worker runs take rather than four.
MODES = pytest.mark.parametrize(
    ("database_url", "broker_url"),
    [("sqlite", "sql-broker"), ("postgresql", "redis-broker")],
    indirect=True,
    ids=["sqlite-sql-broker", "postgresql-redis-broker"],
)


@MODES
def test_retries_a_410_and_a_killed_worker(
    harness: WorkerHarness, receiver: Receiver, gone: Receiver, stalled: Receiver
) -> None:
    vault = _prepare(harness)
    receiver.then(Reply(500), Reply(500))  # then 200
    ok_id = _endpoint(harness, vault, receiver, "customer.*")
    gone_id = _endpoint(harness, vault, gone, "customer.*")
    msg_id = _event(harness, "customer.updated")
    _start_beat(harness)  # starts while the worker does
    first = harness.start_worker()

    # A receiver failing twice gets the same id, body and valid signature three times.
    wait_until(lambda: _status(harness, ok_id) == "succeeded", timeout=60, message="not delivered")
    wait_until(lambda: not _endpoint_row(harness, gone_id).enabled, timeout=30, message="no 410")
    assert receiver.count() == 3
    assert {r.webhook_id for r in receiver.requests} == {msg_id}
    assert all(r.verified_by == (0,) for r in receiver.requests)
    assert len({r.body for r in receiver.requests}) == 1
    delivery = _delivery(harness, ok_id)
    assert delivery is not None
    assert delivery.attempts == 3
    assert _attempt_codes(harness, delivery.id) == [500, 500, 200]
    # 410 disables the endpoint after one attempt.
    assert _endpoint_row(harness, gone_id).disabled_reason.startswith("answered 410 Gone on ")
    assert _status(harness, gone_id) == "failed"
    assert [(r.webhook_id, r.verified_by) for r in gone.requests] == [(msg_id, (0,))]

    # A worker killed while its receiver holds the request: the next worker sends again.
    stalled.then(Reply(hold=True))
    stalled_id = _endpoint(harness, vault, stalled, "activity.*")
    stalled_msg = _event(harness, "activity.logged")
    wait_until(lambda: stalled.count() == 1, timeout=30, message="the first send never came")
    kill_tree(first.pid)
    first.wait(timeout=30)
    harness.start_worker()

    wait_until(lambda: _status(harness, stalled_id) == "succeeded", timeout=60, message="lost")
    assert stalled.count() >= 2
    assert {r.webhook_id for r in stalled.requests} == {stalled_msg}
    assert all(r.verified_by == (0,) for r in stalled.requests)
    delivery = _delivery(harness, stalled_id)
    assert delivery is not None
    assert delivery.attempts == stalled.count()  # the killed attempt counted, no other
    assert _attempt_codes(harness, delivery.id)[-1] == 200
    assert receiver.count() == 3  # nobody else got anything twice
