"""``POST /push/gmail``: only Google's signed pushes queue a sync, at most once a second."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import responses
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from connectors.gmail import push
from core.db import Database
from core.models import AppSetting, Connector
from core.settings import Settings
from tests.connectors.gmail_push import signing
from web.app import create_app
from web.push import debounce
from worker.queues import queue_depths

MAILBOX = "rep@brightwave.io"


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings(
        gmail_push_audience=signing.AUDIENCE,
        gmail_push_service_account=signing.SERVICE_ACCOUNT,
        google_certs_url=signing.CERTS_URL,
    )


@pytest.fixture
def app(settings: Settings, database: Database) -> Flask:
    return create_app(settings, database)


@pytest.fixture(autouse=True)
def google() -> Iterator[responses.RequestsMock]:
    push._CACHE.clear()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.get(signing.CERTS_URL, json=signing.certificates())
        yield mock
    push._CACHE.clear()


@pytest.fixture
def mailbox(database: Database) -> int:
    with database.session() as session:
        row = Connector(kind="gmail", name=MAILBOX, settings={"email": MAILBOX})
        session.add(row)
        session.flush()
        return row.id


def envelope(email: str = MAILBOX, history_id: Any = 4242) -> dict[str, Any]:
    data = json.dumps({"emailAddress": email, "historyId": history_id}).encode()
    return {
        "message": {"data": base64.urlsafe_b64encode(data).decode(), "messageId": "1"},
        "subscription": "projects/p/subscriptions/gmail",
    }


def send(client: FlaskClient, token: str | None, body: Any = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    payload = body if body is not None else envelope()
    if isinstance(payload, bytes):
        return client.post("/push/gmail", data=payload, headers=headers,
                           content_type="application/json")  # fmt: skip
    return client.post("/push/gmail", json=payload, headers=headers)


def queued(settings: Settings) -> int:
    return queue_depths(settings.broker_url)["sync"]


def test_a_google_push_queues_one_sync_of_that_mailbox(
    client: FlaskClient, settings: Settings, mailbox: int, database: Database
) -> None:
    answer = send(client, signing.token())

    assert answer.status_code == 204
    assert queued(settings) == 1
    with database.session() as session:
        assert session.get(AppSetting, f"gmail.push.{mailbox}") is not None


def test_pushes_within_a_second_queue_once(
    client: FlaskClient, settings: Settings, mailbox: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The window's clock is pinned: on a loaded machine three requests (each checking a
    # signed token and writing the database) once took over a second, and the third
    # rightly queued again.
    now = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    monkeypatch.setattr(debounce, "utcnow", lambda: now)
    answers = [send(client, signing.token()).status_code for _ in range(3)]

    assert answers == [204, 204, 204]
    assert queued(settings) == 1


def test_a_push_after_the_window_queues_again(
    client: FlaskClient, settings: Settings, mailbox: int, database: Database
) -> None:
    send(client, signing.token())
    with database.session() as session:  # the last queueing, moved two seconds back
        row = session.get(AppSetting, f"gmail.push.{mailbox}")
        assert row is not None
        row.value = {"queued_at": "2000-01-01T00:00:00+00:00"}

    send(client, signing.token())

    assert queued(settings) == 2


@pytest.mark.parametrize(
    "token",
    [
        None,
        signing.token("forger"),
        signing.token(aud="https://elsewhere.test/push/gmail"),
        signing.token(email="intruder@evil.test"),
        signing.token(email_verified=False),
        signing.token(iat=1_600_000_000, exp=1_600_003_600),
    ],
    ids=["missing", "bad-signature", "wrong-audience", "wrong-email", "unverified", "expired"],
)
def test_a_push_google_did_not_sign_is_401_and_queues_nothing(
    client: FlaskClient, settings: Settings, mailbox: int, token: str | None
) -> None:
    answer = send(client, token)

    assert answer.status_code == 401
    assert answer.mimetype == "application/problem+json"
    assert queued(settings) == 0


@pytest.mark.parametrize(
    "body",
    [b"{not json", {"message": {}}, envelope(history_id="not-a-number"), envelope(email="nobody")],
    ids=["not-json", "no-data", "bad-history-id", "bad-address"],
)
def test_a_malformed_body_is_400(
    client: FlaskClient, settings: Settings, mailbox: int, body: Any
) -> None:
    answer = send(client, signing.token(), body)

    assert answer.status_code == 400
    assert queued(settings) == 0


def test_an_unknown_or_paused_mailbox_is_acknowledged_without_a_sync(
    client: FlaskClient, settings: Settings, mailbox: int, database: Database
) -> None:
    unknown = send(client, signing.token(), envelope("stranger@elsewhere.io"))
    with database.session() as session:
        session.execute(update(Connector).where(Connector.id == mailbox).values(status="paused"))
    paused = send(client, signing.token())

    assert (unknown.status_code, paused.status_code) == (204, 204)
    assert queued(settings) == 0


def test_without_a_service_account_every_push_is_refused(
    make_settings: Callable[..., Settings], database: Database, mailbox: int
) -> None:
    settings = make_settings(gmail_push_audience=signing.AUDIENCE,
                             google_certs_url=signing.CERTS_URL)  # fmt: skip
    client = create_app(settings, database).test_client()

    answer = send(client, signing.token())

    assert answer.status_code == 401
    assert queued(settings) == 0
