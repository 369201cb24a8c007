"""The hook URLs through the real Flask app: answers, limits, CSRF, and what is queued.

Every refusal is checked three ways: its status and problem+json answer, no row in the
inbox, and no message in the broker's ``ingest`` queue.
"""

from __future__ import annotations

import http.client
import io
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime, timedelta

import pytest
from flask import Flask
from flask import request as flask_request
from flask.sessions import NullSession
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.serving import make_server

from connectors.credentials import seal_webhook_secret
from connectors.forms import CreatedSource, create_forms_source, new_secret
from core.db import Database
from core.models import Connector, InboundEvent, utcnow
from core.settings import Settings
from core.vault import Vault
from tests.servers import free_port
from tests.webhooks.inbound.senders import (
    FORM,
    JSON,
    form_body,
    json_body,
    signed_headers,
)
from web.app import create_app
from web.problems import PROBLEM_MIMETYPE
from worker import runtime
from worker.queues import queue_depths

LIMIT = 1024


@pytest.fixture
def small_settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings(inbound_max_bytes=str(LIMIT))


@pytest.fixture
def hook_app(small_settings: Settings, database: Database) -> Iterator[Flask]:
    yield create_app(small_settings, database)
    with suppress(RuntimeError):
        runtime.current().database.dispose()  # bound by the first enqueue


@pytest.fixture
def hooks(hook_app: Flask) -> FlaskClient:
    return hook_app.test_client()


def _source(database: Database, settings: Settings, auth: str) -> CreatedSource:
    with database.session() as session:
        return create_forms_source(session, Vault(settings.encryption_keys), f"{auth} form", auth)


@pytest.fixture
def signed(database: Database, small_settings: Settings) -> CreatedSource:
    return _source(database, small_settings, "hmac")


@pytest.fixture
def token(database: Database, small_settings: Settings) -> CreatedSource:
    return _source(database, small_settings, "token")


def _stored(database: Database) -> int:
    with database.session() as session:
        return int(session.scalar(select(func.count()).select_from(InboundEvent)) or 0)


def _queued(settings: Settings) -> int:
    return queue_depths(settings.broker_url)["ingest"]


def _assert_refused(response, status: int, database: Database, settings: Settings) -> None:
    assert response.status_code == status, response.text
    assert response.mimetype == PROBLEM_MIMETYPE
    assert response.json["status"] == status
    assert response.json["detail"]
    assert _stored(database) == 0, "a refused webhook must store nothing"
    assert _queued(settings) == 0, "a refused webhook must queue nothing"


def test_a_signed_post_is_stored_acknowledged_and_queued(
    hooks: FlaskClient, database: Database, small_settings: Settings, signed: CreatedSource
) -> None:
    body = json_body()
    headers = signed_headers(signed.secret, body, msg_id="msg_1")
    response = hooks.post(f"/hooks/{signed.connector_id}", data=body, headers=headers)
    assert response.status_code == 202
    with database.session() as session:
        event = session.scalars(select(InboundEvent)).one()
    assert response.json == {"status": "accepted", "id": event.id}
    assert event.body == body
    assert _queued(small_settings) == 1

    again = hooks.post(f"/hooks/{signed.connector_id}", data=body, headers=headers)
    assert again.status_code == 200
    assert again.json == {"status": "duplicate", "id": event.id}
    assert _stored(database) == 1
    assert _queued(small_settings) == 1  # a replay is not queued again


def test_a_browser_form_posts_to_the_url_with_the_secret(
    hooks: FlaskClient, database: Database, small_settings: Settings, token: CreatedSource
) -> None:
    response = hooks.post(
        f"/hooks/{token.connector_id}/{token.secret}", data=form_body(), content_type=FORM
    )
    assert response.status_code == 202
    assert response.json["status"] == "accepted"
    assert _stored(database) == 1
    assert _queued(small_settings) == 1


@pytest.mark.parametrize(
    "case",
    [
        "unsigned",
        "wrong signature",
        "stale",
        "oversized",
        "malformed json",
        "wrong content type",
        "deeply nested",
        "unknown source",
        "empty form",
    ],
)
def test_bad_posts_get_the_right_4xx_and_nothing_is_stored_or_queued(
    hooks: FlaskClient,
    database: Database,
    small_settings: Settings,
    signed: CreatedSource,
    token: CreatedSource,
    case: str,
) -> None:
    url = f"/hooks/{signed.connector_id}"
    body = json_body()
    content_type = JSON
    headers = signed_headers(signed.secret, body)
    expected = 400
    if case == "unsigned":
        headers, expected = {}, 401
    elif case == "wrong signature":
        headers, expected = signed_headers(new_secret("hmac"), body), 401
    elif case == "stale":
        headers = signed_headers(signed.secret, body, at=_minutes_ago(6))
        expected = 401
    elif case == "oversized":
        body = json_body({"message": "x" * LIMIT})
        headers, expected = signed_headers(signed.secret, body), 413
    elif case == "malformed json":
        body = b'{"email": "ada@example.com"'
        headers = signed_headers(signed.secret, body)
    elif case == "wrong content type":
        content_type, expected = "text/plain", 415
        headers = signed_headers(signed.secret, body, content_type=content_type)
    elif case == "deeply nested":
        body = b'{"a":' * 40 + b"1" + b"}" * 40
        headers = signed_headers(signed.secret, body)
    elif case == "unknown source":
        url, expected = f"/hooks/{token.connector_id + 100}", 404
    elif case == "empty form":
        url, body, content_type = f"/hooks/{token.connector_id}/{token.secret}", b"", FORM
        headers = {}
    headers = {name: value for name, value in headers.items() if name != "content-type"}
    response = hooks.post(url, data=body, headers=headers, content_type=content_type)
    _assert_refused(response, expected, database, small_settings)


def test_a_wrong_secret_in_the_url_is_refused(
    hooks: FlaskClient, database: Database, small_settings: Settings, token: CreatedSource
) -> None:
    for url in (f"/hooks/{token.connector_id}/whsec_guess", f"/hooks/{token.connector_id}"):
        response = hooks.post(url, data=form_body(), content_type=FORM)
        _assert_refused(response, 401, database, small_settings)


def test_a_chunked_body_over_the_limit_is_refused_without_a_length(
    hooks: FlaskClient, database: Database, small_settings: Settings, signed: CreatedSource
) -> None:
    body = json_body({"message": "x" * (4 * LIMIT)})
    headers = signed_headers(signed.secret, body)
    response = hooks.post(
        f"/hooks/{signed.connector_id}",
        input_stream=io.BytesIO(body),
        headers={**headers, "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.request.content_length is None  # chunked: no length to refuse early
    _assert_refused(response, 413, database, small_settings)


@contextmanager
def _served(app: Flask) -> Iterator[int]:
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield port
    finally:
        server.shutdown()
        thread.join(timeout=10)


def _post_chunked(port: int, path: str, headers: dict[str, str], body: bytes) -> tuple[int, str]:
    """A real HTTP/1.1 chunked upload: no Content-Length, the body in 500-byte chunks."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.putrequest("POST", path)
        for name, value in {**headers, "Transfer-Encoding": "chunked"}.items():
            connection.putheader(name, value)
        connection.endheaders()
        for start in range(0, len(body), 500):
            piece = body[start : start + 500]
            connection.send(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        connection.send(b"0\r\n\r\n")
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def test_chunked_posts_through_a_real_server(
    hook_app: Flask, database: Database, small_settings: Settings, signed: CreatedSource
) -> None:
    big = json_body({"message": "x" * (3 * LIMIT)})
    small = json_body({"email": "ada@example.com"})
    with _served(hook_app) as port:
        path = f"/hooks/{signed.connector_id}"
        status, text = _post_chunked(port, path, signed_headers(signed.secret, big), big)
        assert status == 413, text
        assert _stored(database) == 0
        assert _queued(small_settings) == 0
        status, text = _post_chunked(port, path, signed_headers(signed.secret, small), small)
    assert status == 202, text
    with database.session() as session:
        assert session.scalars(select(InboundEvent.body)).one() == small


def test_only_the_hook_routes_skip_csrf(
    hooks: FlaskClient, database: Database, signed: CreatedSource
) -> None:
    body = json_body()
    accepted = hooks.post(
        f"/hooks/{signed.connector_id}", data=body, headers=signed_headers(signed.secret, body)
    )
    assert accepted.status_code == 202
    refused = hooks.post("/login", data={"email": "a@example.com", "password": "x" * 12})
    assert refused.status_code == 400
    assert "form has expired" in refused.text


def test_a_broker_that_is_down_still_gets_the_event_stored_for_the_sweeper(
    make_settings: Callable[..., Settings], database: Database
) -> None:
    settings = make_settings(broker_url=f"redis://127.0.0.1:{free_port()}/0")
    source = _source(database, settings, "hmac")
    client = create_app(settings, database).test_client()
    body = json_body()
    response = client.post(
        f"/hooks/{source.connector_id}", data=body, headers=signed_headers(source.secret, body)
    )
    assert response.status_code == 202  # stored: the 2xx is true
    with database.session() as session:
        event = session.scalars(select(InboundEvent)).one()
    assert (event.status, event.queued_at) == ("pending", None)
    runtime.current().database.dispose()


def test_a_database_that_is_down_never_gets_a_2xx(settings: Settings) -> None:
    unreachable = Database(f"postgresql+psycopg://crmhub:x@127.0.0.1:{free_port()}/crmhub")
    client = create_app(settings, unreachable).test_client()
    body = json_body()
    response = client.post("/hooks/1", data=body, headers={"content-type": JSON})
    assert response.status_code == 503
    assert response.mimetype == PROBLEM_MIMETYPE
    assert response.headers["Retry-After"] == "5"


def _minutes_ago(minutes: int) -> datetime:
    return utcnow() - timedelta(minutes=minutes)


def test_an_unexpected_failure_is_a_problem_answer_and_stores_nothing(
    hooks: FlaskClient, database: Database, small_settings: Settings, signed: CreatedSource
) -> None:
    with database.session() as session:  # a stored secret that is not base64 at all
        row = session.get(Connector, signed.connector_id)
        assert row is not None
        row.credentials_encrypted = seal_webhook_secret(
            Vault(small_settings.encryption_keys), "whsec_AAAAA"
        )
    body = json_body()
    response = hooks.post(
        f"/hooks/{signed.connector_id}", data=body, headers=signed_headers(signed.secret, body)
    )
    _assert_refused(response, 500, database, small_settings)


def test_hook_answers_carry_no_session_and_the_security_headers_once(
    hooks: FlaskClient, hook_app: Flask, signed: CreatedSource
) -> None:
    """Programs post here: no session is opened for them, so no cookie comes back."""
    body = json_body()
    headers = signed_headers(signed.secret, body)
    with hook_app.test_request_context(f"/hooks/{signed.connector_id}", method="POST"):
        opened = hook_app.session_interface.open_session(hook_app, flask_request)
        assert isinstance(opened, NullSession)
    with hook_app.test_request_context("/login"):
        assert not isinstance(
            hook_app.session_interface.open_session(hook_app, flask_request), NullSession
        )
    hooks.set_cookie("session", "not-a-valid-session")
    response = hooks.post(f"/hooks/{signed.connector_id}", data=body, headers=headers)
    assert response.status_code == 202
    assert "Set-Cookie" not in response.headers
    for name in ("Content-Security-Policy", "X-Frame-Options", "Cache-Control", "Pragma"):
        assert len(response.headers.getlist(name)) == 1, name
    assert response.headers["Cache-Control"] == "no-store"
