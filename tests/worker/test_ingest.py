"""Inbound webhooks processed by real worker processes, on both transports and databases.

Posts go through the real Flask app (its test client) to the broker the workers read;
the checks read the database the workers wrote: one customer, one ``form`` activity,
and their outbox events per submission, however often it was sent.
"""

from __future__ import annotations

import re
from contextlib import suppress
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from connectors.forms import CreatedSource, create_forms_source
from core.models import Activity, Connector, Customer, InboundEvent, OutboxEvent, utcnow
from core.settings import load_settings
from core.vault import Vault
from tests.waiting import wait_until
from tests.web.helpers import csrf_from, make_user, sign_in
from tests.webhooks.inbound.senders import (
    FORM,
    LEAD,
    form_body,
    json_body,
    signed_headers,
    signed_request,
)
from tests.worker.conftest import WorkerHarness
from web.app import create_app
from webhooks.inbound import receive
from worker import runtime

pytestmark = pytest.mark.e2e

BROKEN_MAPPING = "version: 1\ntarget: customer\nfields:\n  emails: {from: email_address}\n"


@pytest.fixture
def client(harness: WorkerHarness) -> FlaskClient:
    app = create_app(load_settings(harness.env), harness.database)
    yield app.test_client()
    with suppress(RuntimeError):
        runtime.current().database.dispose()  # bound by the app's first enqueue


def _vault(harness: WorkerHarness) -> Vault:
    return Vault(load_settings(harness.env).encryption_keys)


def _source(harness: WorkerHarness, auth: str, **settings: str) -> CreatedSource:
    with harness.database.session() as session:
        return create_forms_source(session, _vault(harness), f"{auth} form", auth, settings)


def _count(harness: WorkerHarness, model: type) -> int:
    with harness.database.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _outbox(harness: WorkerHarness) -> list[str]:
    with harness.database.session() as session:
        return sorted(session.scalars(select(OutboxEvent.type)))


def _status(harness: WorkerHarness, event_id: int) -> str:
    with harness.database.session() as session:
        event = session.get(InboundEvent, event_id)
        assert event is not None
        return event.status


def _settled(harness: WorkerHarness, event_id: int) -> bool:
    return _status(harness, event_id) in ("processed", "failed")


@pytest.mark.parametrize("shape", ["json", "form"])
def test_a_post_becomes_one_customer_and_one_form_activity(
    harness: WorkerHarness, client: FlaskClient, shape: str
) -> None:
    if shape == "json":
        source = _source(harness, "hmac")
        body = json_body()
        url = f"/hooks/{source.connector_id}"
        headers = signed_headers(source.secret, body)
        content_type = "application/json"
    else:
        source = _source(harness, "token")
        body = form_body()
        url = f"/hooks/{source.connector_id}/{source.secret}"
        headers, content_type = {}, FORM
    headers = {name: value for name, value in headers.items() if name != "content-type"}

    def post() -> tuple[int, dict[str, object]]:
        response = client.post(url, data=body, headers=headers, content_type=content_type)
        return response.status_code, response.json

    first = post()
    assert first[0] == 202
    assert post() == (200, {"status": "duplicate", "id": first[1]["id"]})
    harness.start_worker(queues="ingest")
    event_id = int(first[1]["id"])
    wait_until(lambda: _settled(harness, event_id), timeout=90, message="never processed")
    assert _status(harness, event_id) == "processed"
    assert post()[0] == 200  # a replay after processing: still one of everything

    assert (_count(harness, Customer), _count(harness, Activity)) == (1, 1)
    assert _outbox(harness) == ["activity.logged", "customer.created"]
    with harness.database.session() as session:
        activity = session.scalars(select(Activity)).one()
        customer = session.scalars(select(Customer)).one()
    assert (activity.type, activity.subject, activity.summary) == (
        "form",
        LEAD["form_name"],
        LEAD["message"],
    )
    assert customer.golden["emails"]["value"] == ["ada@example.com"]
    assert _count(harness, InboundEvent) == 1


def test_the_sweeper_queues_an_event_whose_message_was_lost(harness: WorkerHarness) -> None:
    source = _source(harness, "hmac")
    request = signed_request(source.secret, json_body())
    receipt = receive(harness.database, _vault(harness), source.connector_id, request)
    with harness.database.session() as session:  # stored, never queued, a while ago
        session.execute(update(InboundEvent).values(queued_at=utcnow() - timedelta(minutes=5)))
    harness.start_worker(queues="ingest")
    harness.app.send_task("worker.tasks.ingest.sweep_inbound", queue="ingest")
    wait_until(
        lambda: _settled(harness, receipt.event_id),
        timeout=90,
        message="the sweeper never queued the stored event",
    )
    assert _status(harness, receipt.event_id) == "processed"
    assert (_count(harness, Customer), _count(harness, Activity)) == (1, 1)


def test_a_failed_event_is_shown_and_retried_from_the_page(
    harness: WorkerHarness, client: FlaskClient
) -> None:
    source = _source(harness, "token", customer_mapping=BROKEN_MAPPING)
    make_user(harness.database, "ada@example.com", "admin")
    sign_in(client, "ada@example.com")
    posted = client.post(
        f"/hooks/{source.connector_id}/{source.secret}", data=form_body(), content_type=FORM
    )
    event_id = int(posted.json["id"])
    harness.start_worker(queues="ingest")
    wait_until(lambda: _settled(harness, event_id), timeout=90, message="never processed")
    assert _status(harness, event_id) == "failed"
    page = client.get("/inbound").text
    row = re.search(rf'<tr id="event-{event_id}">(.*?)</tr>', page, re.DOTALL)
    assert row is not None
    assert "nothing identifies a person" in row.group(1)
    assert (_count(harness, Customer), _count(harness, Activity)) == (0, 0)

    with harness.database.session() as session:  # the admin fixes the mapping
        connector = session.get(Connector, source.connector_id)
        assert connector is not None
        connector.settings = {"auth": "token"}
    retried = client.post(f"/inbound/{event_id}/retry", data={"csrf_token": csrf_from(page)})
    assert retried.status_code == 302
    wait_until(
        lambda: _status(harness, event_id) == "processed", timeout=90, message="retry never ran"
    )
    assert (_count(harness, Customer), _count(harness, Activity)) == (1, 1)
    assert 'id="event-' in client.get("/inbound").text


def test_two_workers_never_process_an_event_twice(harness: WorkerHarness) -> None:
    source = _source(harness, "hmac")
    vault = _vault(harness)
    total = 120
    for n in range(total):
        body = json_body({"name": f"Person {n}", "email": f"p{n}@example.com"})
        receive(harness.database, vault, source.connector_id, signed_request(source.secret, body))
    harness.start_worker(queues="ingest")
    harness.start_worker(queues="ingest")
    for _ in range(4):  # more messages than batches: both workers claim at once
        harness.app.send_task(
            "worker.tasks.ingest.process_inbound", args=[source.connector_id], queue="ingest"
        )

    def done() -> bool:
        with harness.database.session() as session:
            waiting = select(func.count()).where(InboundEvent.status != "processed")
            return session.scalar(waiting) == 0

    wait_until(done, timeout=180, message="the inbox was never worked off")
    with harness.database.session() as session:
        attempts = list(session.scalars(select(InboundEvent.attempts)))
        logged = session.scalar(select(func.count()).where(OutboxEvent.type == "activity.logged"))
    assert attempts == [1] * total  # no event was claimed twice
    assert _count(harness, Activity) == total
    assert logged == total
