"""``POST /push/graph`` and ``/push/graph/lifecycle``: only notifications that carry their
subscription's clientState queue work; validation requests are echoed at once."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from kombu import Connection

from core.db import Database
from core.models import AppSetting, Connector
from core.settings import Settings
from web.context import hub

SUBSCRIPTION = "7f105c7d-2dc5-4530-97cd-4e7ae6534c07"
STATE = "the-client-state-only-graph-knows"


@pytest.fixture
def mailbox(app: Flask, database: Database) -> int:
    """An Outlook connector whose stored grant holds its subscription."""
    record = {"id": SUBSCRIPTION, "client_state": STATE, "expires_at": "2099-01-01T00:00:00Z"}
    with app.app_context():
        sealed = hub().vault.encrypt_json({"refresh_token": "r", "subscription": record})
    with database.session() as session:
        row = Connector(
            kind="outlook",
            name="rep@example.com",
            settings={"email": "rep@example.com"},
            credentials_encrypted=sealed,
        )
        session.add(row)
        session.flush()
        return row.id


def change(state: str = STATE, subscription: str = SUBSCRIPTION) -> dict[str, Any]:
    return {"value": [{"subscriptionId": subscription, "clientState": state,
                       "changeType": "created", "resource": "Users/x/Messages/y",
                       "resourceData": {"id": "y"}}]}  # fmt: skip


def event(name: str, state: str = STATE) -> dict[str, Any]:
    return {"value": [{"subscriptionId": SUBSCRIPTION, "clientState": state,
                       "lifecycleEvent": name, "tenantId": "t"}]}  # fmt: skip


def queued(settings: Settings) -> list[tuple[str, list[Any]]]:
    """The task names and arguments waiting in the sync queue (taken off it)."""
    found = []
    with Connection(settings.broker_url) as connection:
        queue = connection.SimpleQueue("sync", no_ack=True)
        while True:
            try:
                message = queue.get(block=False)
            except queue.Empty:
                break
            found.append((str(message.headers["task"]), list(message.payload[0])))
        queue.close()
    return found


@pytest.mark.parametrize("path", ["/push/graph", "/push/graph/lifecycle"])
def test_a_validation_request_is_echoed_as_plain_text(client: FlaskClient, path: str) -> None:
    token = "Validation: Testing client application reachability for subscription Request-Id: 1"

    answer = client.post(path, query_string={"validationToken": token},
                         headers={"Content-Type": "text/plain; charset=utf-8"})  # fmt: skip

    assert answer.status_code == 200
    assert answer.mimetype == "text/plain"
    assert answer.text == token


def test_a_notification_with_its_client_state_queues_one_sync(
    client: FlaskClient, settings: Settings, mailbox: int, database: Database
) -> None:
    answers = [client.post("/push/graph", json=change()).status_code for _ in range(3)]

    assert answers == [202, 202, 202]
    assert queued(settings) == [("worker.tasks.sync.sync_connector", [mailbox])]  # debounced
    with database.session() as session:
        assert session.get(AppSetting, f"gmail.push.{mailbox}") is not None


@pytest.mark.parametrize(
    "body",
    [change(state="guessed"), change(state=""), change(subscription="someone-else")],
    ids=["forged-state", "no-state", "unknown-subscription"],
)
def test_a_notification_that_does_not_prove_itself_queues_nothing(
    client: FlaskClient, settings: Settings, mailbox: int, body: dict[str, Any]
) -> None:
    answer = client.post("/push/graph", json=body)

    assert answer.status_code == 202  # discarded, as Graph documents; a retry cannot help
    assert queued(settings) == []


@pytest.mark.parametrize("path", ["/push/graph", "/push/graph/lifecycle"])
@pytest.mark.parametrize(
    "body", [b"{not json", b"[]", b'{"value": {}}', b"\xff"], ids=["bad", "list", "obj", "bytes"]
)
def test_a_malformed_body_is_400(
    client: FlaskClient, settings: Settings, mailbox: int, path: str, body: bytes
) -> None:
    answer = client.post(path, data=body, content_type="application/json")

    assert answer.status_code == 400
    assert queued(settings) == []


@pytest.mark.parametrize(
    ("name", "task"),
    [
        ("missed", ("worker.tasks.sync.sync_connector", [])),
        ("subscriptionRemoved", ("worker.tasks.sync.outlook_lifecycle", ["recreate"])),
        ("reauthorizationRequired", ("worker.tasks.sync.outlook_lifecycle", ["reauthorize"])),
    ],
)
def test_lifecycle_events_queue_what_they_ask_for(
    client: FlaskClient, settings: Settings, mailbox: int, name: str, task: tuple[str, list[str]]
) -> None:
    answer = client.post("/push/graph/lifecycle", json=event(name))

    assert answer.status_code == 202
    assert queued(settings) == [(task[0], [mailbox, *task[1]])]


def test_a_lifecycle_event_with_a_forged_state_queues_nothing(
    client: FlaskClient, settings: Settings, mailbox: int
) -> None:
    answer = client.post("/push/graph/lifecycle", json=event("subscriptionRemoved", "guessed"))

    assert answer.status_code == 202
    assert queued(settings) == []
