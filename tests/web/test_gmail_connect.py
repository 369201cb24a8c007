"""Connect Gmail through the Flask app against a real Gmail emulator over HTTP.

The browser's part (following the redirect to Google and back) is played by
``requests`` with redirects off, so every hop can be checked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from connectors.gmail.emulator import GmailEmulator
from connectors.mailboxes import Spec, generate
from core.db import Database
from core.models import AuditEntry, Connector
from core.settings import Settings
from tests.web.helpers import make_user, sign_in
from web.app import create_app
from web.context import hub
from web.oauth.google import SESSION_KEY
from worker.queues import queue_depths

SPEC = Spec(seed=5, reps=1, messages_per_mailbox=10, companies=3, contacts=6, days=10)
CALLBACK = "http://127.0.0.1:8000/oauth/google/callback"


@pytest.fixture(scope="module")
def emulator() -> Iterator[GmailEmulator]:
    with GmailEmulator(generate(SPEC)) as running:
        yield running


@pytest.fixture
def settings(make_settings: Callable[..., Settings], emulator: GmailEmulator) -> Settings:
    return make_settings(
        google_client_id=emulator.client_id,
        google_client_secret=emulator.client_secret,
        google_auth_uri=f"{emulator.url}/o/oauth2/auth",
        google_token_uri=f"{emulator.url}/token",
        google_api_url=emulator.url,
    )


@pytest.fixture
def rep_email(emulator: GmailEmulator, database: Database) -> str:
    email = next(iter(emulator.mailboxes))
    make_user(database, email, "rep")
    return email


@pytest.fixture
def rep(client: FlaskClient, rep_email: str) -> FlaskClient:
    sign_in(client, rep_email)
    return client


def start(client: FlaskClient) -> tuple[str, dict[str, str]]:
    """The emulator URL the app redirects to, and its query."""
    response = client.get("/oauth/google/start")
    assert response.status_code == 302
    location = response.headers["Location"]
    query = {name: values[0] for name, values in parse_qs(urlsplit(location).query).items()}
    return location, query


def approve(location: str) -> str:
    """What the browser would do at Google: the callback URL path and query it is sent to."""
    answer = requests.get(location, allow_redirects=False, timeout=10)
    assert answer.status_code == 302
    back = urlsplit(answer.headers["Location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == CALLBACK
    return f"{back.path}?{back.query}"


def connect(client: FlaskClient) -> int:
    location, _query = start(client)
    response = client.get(approve(location))
    assert response.status_code == 302, response.text
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def gmail_rows(database: Database) -> list[Connector]:
    with database.session() as session:
        rows = list(session.scalars(select(Connector).where(Connector.kind == "gmail")))
        session.expunge_all()
        return rows


def test_the_flow_stores_an_encrypted_grant_and_queues_a_sync(
    app: Flask, rep: FlaskClient, rep_email: str, database: Database, emulator: GmailEmulator
) -> None:
    location, query = start(rep)
    assert location.startswith(f"{emulator.url}/o/oauth2/auth?")
    assert query["redirect_uri"] == CALLBACK
    assert query["login_hint"] == rep_email
    assert query["code_challenge_method"] == "S256"
    assert len(query["code_challenge"]) == 43
    assert query["access_type"] == "offline"
    with rep.session_transaction() as session:
        assert session[SESSION_KEY]["state"] == query["state"]

    response = rep.get(approve(location))

    [row] = gmail_rows(database)
    assert response.headers["Location"] == f"/mailboxes/{row.id}"
    assert row.settings["email"] == rep_email
    assert row.status == "active"
    assert row.name == rep_email
    with database.session() as session:
        owner = session.scalar(select(Connector.owner_id).where(Connector.id == row.id))
        audited = session.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc()))
    assert owner is not None
    assert audited == "mailbox.connected"
    with app.app_context():
        grant = hub().vault.decrypt_json(row.credentials_encrypted or "")
    assert grant["access_token"]
    assert grant["refresh_token"]
    assert grant["access_token"] not in (row.credentials_encrypted or "")
    with rep.session_transaction() as session:
        assert SESSION_KEY not in session
    with app.app_context():
        assert queue_depths(hub().settings.broker_url)["sync"] == 1

    page = rep.get(response.headers["Location"])
    assert f"{rep_email} is connected." in page.text
    assert "Queued" in page.text


def test_a_state_that_does_not_match_is_refused_and_nothing_is_stored(
    rep: FlaskClient, database: Database
) -> None:
    location, query = start(rep)
    back = approve(location).replace(f"state={query['state']}", "state=forged")

    response = rep.get(back)

    assert response.status_code == 400
    assert "does not belong to a Gmail connection started here" in response.text
    assert gmail_rows(database) == []
    with rep.session_transaction() as session:
        assert SESSION_KEY not in session
    assert rep.get(approve(location)).status_code == 400  # the real state is used up too


def test_a_callback_without_a_started_flow_is_refused(rep: FlaskClient, database: Database) -> None:
    assert rep.get("/oauth/google/callback?code=x&state=y").status_code == 400
    assert gmail_rows(database) == []


def test_access_denied_says_so_and_connects_nothing(rep: FlaskClient, database: Database) -> None:
    _location, query = start(rep)

    response = rep.get(f"/oauth/google/callback?error=access_denied&state={query['state']}")

    assert response.status_code == 302
    assert response.headers["Location"] == "/mailboxes"
    page = rep.get("/mailboxes")
    assert "Google did not grant access to the mailbox, so nothing was connected." in page.text
    assert gmail_rows(database) == []


def test_reconnecting_replaces_the_grant_and_clears_needs_reconnect(
    app: Flask, rep: FlaskClient, database: Database
) -> None:
    first = connect(rep)
    with database.session() as session:
        row = session.get(Connector, first)
        assert row is not None
        row.status, row.last_error = "needs_reconnect", "Google refused the grant: invalid_grant"
        old = row.credentials_encrypted

    page = rep.get(f"/mailboxes/{first}")
    assert "Google refused the grant: invalid_grant" in page.text
    assert 'href="/oauth/google/start">Reconnect' in page.text

    again = connect(rep)

    [row] = gmail_rows(database)
    assert again == first == row.id
    assert row.status == "active"
    assert row.last_error == ""
    with app.app_context():
        before = hub().vault.decrypt_json(old or "")
        after = hub().vault.decrypt_json(row.credentials_encrypted or "")
    assert after["access_token"] != before["access_token"]
    with database.session() as session:
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["mailbox.connected", "mailbox.reconnected"]


def test_without_a_google_client_the_start_page_explains(
    make_settings: Callable[..., Settings], database: Database
) -> None:
    client = create_app(make_settings(), database).test_client()
    make_user(database, "rep@example.com", "rep")
    sign_in(client, "rep@example.com")

    response = client.get("/oauth/google/start")

    assert response.status_code == 503
    assert "CRMHUB_GOOGLE_CLIENT_ID" in response.text
    assert "Connect Gmail</a>" not in client.get("/mailboxes").text


def test_signed_out_visitors_are_sent_to_sign_in(client: FlaskClient, database: Database) -> None:
    assert client.get("/oauth/google/start").headers["Location"].startswith("/login")
    assert client.get("/oauth/google/callback?state=x").headers["Location"].startswith("/login")
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Connector)) == 0
