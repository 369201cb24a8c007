"""Connect Outlook through the Flask app against the Graph + MSAL emulator over HTTPS.

The browser's part (following the redirect to Microsoft and back) is played by
``requests`` trusting the emulator's certificate, with redirects off, so every hop can
be checked. For notifications the app also runs as a real server, which Graph's
validation request reaches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from connectors.mailboxes import Spec
from connectors.mailboxes.emulation.server import BackgroundServer
from connectors.outlook.emulator import CLIENT_ID, CLIENT_SECRET, OutlookEmulator
from connectors.outlook.subscriptions import KEY
from core.db import Database
from core.models import AuditEntry, Connector
from core.settings import Settings
from tests.waiting import wait_until
from tests.web.helpers import make_user, sign_in
from web.app import create_app
from web.context import hub
from web.oauth.microsoft import SESSION_KEY
from worker.queues import queue_depths

SPEC = Spec(seed=8, reps=1, messages_per_mailbox=6, companies=2, contacts=4, days=10)
CALLBACK = "http://127.0.0.1:8000/oauth/microsoft/callback"


@pytest.fixture(scope="module")
def emulator() -> Iterator[OutlookEmulator]:
    with OutlookEmulator(spec=SPEC) as running:
        yield running


def microsoft_env(emulator: OutlookEmulator) -> dict[str, str]:
    """What an operator sets to point crmhub at the emulator."""
    authority = emulator.authority("common")
    return {
        "microsoft_client_id": CLIENT_ID,
        "microsoft_client_secret": CLIENT_SECRET,
        "microsoft_auth_uri": authority,
        "microsoft_token_uri": f"{authority}/oauth2/v2.0/token",
        "microsoft_api_url": emulator.graph_url,
        "microsoft_ca_bundle": emulator.certificate_path,
    }


@pytest.fixture
def settings(make_settings: Callable[..., Settings], emulator: OutlookEmulator) -> Settings:
    return make_settings(**microsoft_env(emulator))


@pytest.fixture
def rep_email(emulator: OutlookEmulator, database: Database) -> str:
    email = next(iter(emulator.mailboxes))
    make_user(database, email, "rep")
    return email


@pytest.fixture
def rep(client: FlaskClient, rep_email: str) -> FlaskClient:
    sign_in(client, rep_email)
    return client


def start(client: FlaskClient) -> tuple[str, dict[str, str]]:
    response = client.get("/oauth/microsoft/start")
    assert response.status_code == 302, response.text
    location = response.headers["Location"]
    query = {name: values[0] for name, values in parse_qs(urlsplit(location).query).items()}
    return location, query


def approve(emulator: OutlookEmulator, location: str, callback: str = CALLBACK) -> str:
    """What the browser would do at Microsoft: the callback path and query it is sent to."""
    with requests.Session() as browser:
        browser.verify, browser.trust_env = emulator.certificate_path, False
        answer = browser.get(location, allow_redirects=False, timeout=10)
    assert answer.status_code == 302
    back = urlsplit(answer.headers["Location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == callback
    return f"{back.path}?{back.query}"


def connect(client: FlaskClient, emulator: OutlookEmulator, callback: str = CALLBACK) -> int:
    location, _query = start(client)
    response = client.get(approve(emulator, location, callback))
    assert response.status_code == 302, response.text
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def outlook_rows(database: Database) -> list[Connector]:
    with database.session() as session:
        rows = list(session.scalars(select(Connector).where(Connector.kind == "outlook")))
        session.expunge_all()
        return rows


def grant_of(app: Flask, row: Connector) -> dict[str, Any]:
    with app.app_context():
        return hub().vault.decrypt_json(row.credentials_encrypted or "")


def test_the_flow_stores_an_encrypted_grant_and_queues_a_sync(
    app: Flask, rep: FlaskClient, rep_email: str, database: Database, emulator: OutlookEmulator
) -> None:
    location, query = start(rep)
    assert location.startswith(f"{emulator.authority('common')}/oauth2/v2.0/authorize?")
    assert query["redirect_uri"] == CALLBACK
    assert query["login_hint"] == rep_email
    assert query["code_challenge_method"] == "S256"
    assert "https://graph.microsoft.com/Mail.Read" in query["scope"].split()
    with rep.session_transaction() as session:
        assert session[SESSION_KEY]["state"] == query["state"]

    response = rep.get(approve(emulator, location))

    [row] = outlook_rows(database)
    assert response.headers["Location"] == f"/mailboxes/{row.id}"
    assert row.settings["email"] == rep_email
    assert row.settings["mode"] == "delegated"
    assert row.settings["user_id"] == emulator.mailboxes[rep_email].object_id
    assert row.status == "active"
    assert row.owner_id is not None
    grant = grant_of(app, row)
    assert grant["access_token"]
    assert grant["refresh_token"]
    assert grant["access_token"] not in (row.credentials_encrypted or "")
    assert KEY not in grant  # http base URL, not allow-listed: no subscription is tried
    with database.session() as session:
        audited = session.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc()))
    assert audited == "mailbox.connected"
    with rep.session_transaction() as session:
        assert SESSION_KEY not in session
    with app.app_context():
        assert queue_depths(hub().settings.broker_url)["sync"] == 1

    page = rep.get(response.headers["Location"])
    assert f"{rep_email} is connected." in page.text
    assert "Outlook" in page.text
    listing = rep.get("/mailboxes")
    assert f">{rep_email}</a>" in listing.text
    assert 'href="/oauth/microsoft/start">Connect Outlook</a>' in listing.text


def test_a_state_that_does_not_match_is_refused_and_nothing_is_stored(
    rep: FlaskClient, database: Database, emulator: OutlookEmulator
) -> None:
    location, query = start(rep)
    back = approve(emulator, location).replace(f"state={query['state']}", "state=forged")

    response = rep.get(back)

    assert response.status_code == 400
    assert "does not belong to an Outlook connection started here" in response.text
    assert outlook_rows(database) == []
    with rep.session_transaction() as session:
        assert SESSION_KEY not in session
    assert rep.get(approve(emulator, location)).status_code == 400  # the flow is used up too


def test_access_denied_says_so_and_connects_nothing(rep: FlaskClient, database: Database) -> None:
    _location, query = start(rep)

    response = rep.get(f"/oauth/microsoft/callback?error=access_denied&state={query['state']}")

    assert response.status_code == 302
    assert response.headers["Location"] == "/mailboxes"
    assert "Microsoft did not grant access to the mailbox" in rep.get("/mailboxes").text
    assert outlook_rows(database) == []


def test_a_code_microsoft_no_longer_honours_is_a_502_and_stores_nothing(
    rep: FlaskClient, database: Database, emulator: OutlookEmulator
) -> None:
    location, _query = start(rep)
    back = approve(emulator, location)
    with rep.session_transaction() as session:
        flow = dict(session[SESSION_KEY])
    code = parse_qs(urlsplit(back).query)["code"][0]
    emulator.tokens.redeem(code, CLIENT_ID, CALLBACK, flow["code_verifier"])  # redeemed once
    with rep.session_transaction() as session:
        session[SESSION_KEY] = flow

    response = rep.get(back)

    assert response.status_code == 502
    assert "invalid_grant" in response.text
    assert outlook_rows(database) == []


def test_reconnecting_replaces_the_grant_and_clears_needs_reconnect(
    app: Flask, rep: FlaskClient, database: Database, emulator: OutlookEmulator
) -> None:
    first = connect(rep, emulator)
    with database.session() as session:
        row = session.get(Connector, first)
        assert row is not None
        row.status, row.last_error = "needs_reconnect", "Microsoft refused the refresh token"
        old = row.credentials_encrypted
    page = rep.get(f"/mailboxes/{first}")
    assert "Microsoft no longer accepts crmhub's access" in page.text
    assert 'href="/oauth/microsoft/start">Reconnect' in page.text

    again = connect(rep, emulator)

    [row] = outlook_rows(database)
    assert again == first == row.id
    assert (row.status, row.last_error) == ("active", "")
    with app.app_context():
        before = hub().vault.decrypt_json(old or "")
    assert grant_of(app, row)["refresh_token"] != before["refresh_token"]
    with database.session() as session:
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["mailbox.connected", "mailbox.reconnected"]


def test_without_a_microsoft_app_the_start_page_explains(
    make_settings: Callable[..., Settings], database: Database
) -> None:
    client = create_app(make_settings(), database).test_client()
    make_user(database, "rep@example.com", "rep")
    sign_in(client, "rep@example.com")

    response = client.get("/oauth/microsoft/start")

    assert response.status_code == 503
    assert "CRMHUB_MICROSOFT_CLIENT_ID" in response.text
    assert "Connect Outlook" not in client.get("/mailboxes").text


@pytest.fixture
def served(
    make_settings: Callable[..., Settings], database: Database, emulator: OutlookEmulator
) -> Iterator[tuple[Flask, str]]:
    """The app as a real server on loopback (allow-listed), so Graph's validation reaches it."""
    holder: dict[str, Flask] = {}

    def dispatch(environ: dict[str, Any], respond: Any) -> Any:  # the app exists only later
        return holder["app"](environ, respond)

    server = BackgroundServer(dispatch)
    server.start()
    settings = make_settings(
        base_url=server.url, outbound_allowlist="127.0.0.0/8", **microsoft_env(emulator)
    )
    holder["app"] = create_app(settings, database)
    try:
        yield holder["app"], server.url
    finally:
        server.stop()


def test_connecting_subscribes_and_graph_notifications_queue_a_sync(
    served: tuple[Flask, str], database: Database, emulator: OutlookEmulator
) -> None:
    app, url = served
    email = next(iter(emulator.mailboxes))
    make_user(database, email, "rep")
    client = app.test_client()
    sign_in(client, email)

    connector = connect(client, emulator, f"{url}/oauth/microsoft/callback")

    [row] = outlook_rows(database)
    assert row.id == connector
    assert row.last_error == ""
    record = grant_of(app, row)[KEY]
    subscription = emulator.subscriptions.get(record["id"])
    assert subscription.notification_url == f"{url}/push/graph"
    assert subscription.lifecycle_url == f"{url}/push/graph/lifecycle"
    assert subscription.client_state == record["client_state"]
    with app.app_context():
        broker = hub().settings.broker_url
    assert queue_depths(broker)["sync"] == 1  # the sync after connecting

    sent = emulator.stats().get("notifications_sent", 0)
    emulator.add_message(email)
    wait_until(
        lambda: emulator.stats().get("notifications_sent", 0) > sent,
        timeout=10,
        message="the notification was not accepted",
    )
    assert queue_depths(broker)["sync"] == 2


def test_a_failed_subscription_leaves_the_mailbox_connected_and_says_why(
    make_settings: Callable[..., Settings], database: Database, emulator: OutlookEmulator
) -> None:
    settings = make_settings(outbound_allowlist="127.0.0.0/8", **microsoft_env(emulator))
    app = create_app(settings, database)  # nothing listens at 127.0.0.1:8000
    email = next(iter(emulator.mailboxes))
    make_user(database, email, "rep")
    client = app.test_client()
    sign_in(client, email)

    connector = connect(client, emulator)

    [row] = outlook_rows(database)
    assert row.id == connector
    assert row.status == "active"
    assert "instant notifications could not be set up" in row.last_error
    assert "Graph answered 400" in row.last_error
    assert KEY not in grant_of(app, row)
    assert queue_depths(settings.broker_url)["sync"] == 1
    page = client.get(f"/mailboxes/{connector}").text
    assert "instant notifications could not be set up" in page
