"""The Inbound events and Web forms pages: errors shown, Retry audited and queued,
secrets shown once, and all of it for admins only."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from contextlib import suppress

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from connectors.credentials import webhook_secret
from core.db import Database
from core.models import AuditEntry, Connector, InboundEvent
from core.settings import Settings
from core.vault import Vault
from tests.web.helpers import csrf_from, make_user, sign_in
from tests.webhooks.inbound.senders import FORM, LEAD, form_body
from webhooks.inbound import process_batch
from worker import runtime
from worker.queues import queue_depths

ADMIN = "ada@example.com"
BROKEN_MAPPING = "version: 1\ntarget: customer\nfields:\n  emails: {from: email_address}\n"


@pytest.fixture
def admin_client(client: FlaskClient, database: Database) -> Iterator[FlaskClient]:
    make_user(database, ADMIN, "admin")
    sign_in(client, ADMIN)
    yield client
    with suppress(RuntimeError):
        runtime.current().database.dispose()  # bound by the first enqueue


def _add_form(client: FlaskClient, name: str, auth: str, region: str = "") -> FlaskClient:
    token = csrf_from(client.get("/inbound/web-forms").text)
    data = {"csrf_token": token, "name": name, "auth": auth, "default_region": region}
    return client.post("/inbound/web-forms", data=data)


def _source(database: Database, name: str) -> Connector:
    with database.session() as session:
        return session.scalars(select(Connector).where(Connector.name == name)).one()


def _actions(database: Database, action: str) -> list[AuditEntry]:
    with database.session() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_a_token_form_shows_its_url_and_a_form_to_copy_once(
    admin_client: FlaskClient, database: Database, settings: Settings
) -> None:
    created = _add_form(admin_client, "Contact us", "token", "gb")
    source = _source(database, "Contact us")
    assert created.status_code == 302
    assert created.headers["Location"] == f"/inbound/web-forms/{source.id}"
    assert source.settings == {"default_region": "GB", "auth": "token"}
    secret = webhook_secret(Vault(settings.encryption_keys), source.credentials_encrypted)
    assert secret is not None

    page = html.unescape(admin_client.get(f"/inbound/web-forms/{source.id}").text)
    url = f"{settings.base_url}/hooks/{source.id}/{secret}"
    assert f'id="hook-url">{url}<' in page
    assert f'<form method="post" action="{url}">' in page
    assert '<input name="email" type="email"' in page

    reloaded = admin_client.get(f"/inbound/web-forms/{source.id}").text
    assert secret not in reloaded
    assert 'id="secret-gone"' in reloaded
    [entry] = _actions(database, "forms.created")
    assert (entry.actor, entry.target) == (ADMIN, f"connector {source.id}")
    assert entry.details == {"name": "Contact us", "auth": "token", "default_region": "GB"}
    assert secret not in str(entry.details)


def test_a_signed_source_shows_its_signing_secret_once(
    admin_client: FlaskClient, database: Database, settings: Settings
) -> None:
    _add_form(admin_client, "Partner leads", "hmac")
    source = _source(database, "Partner leads")
    secret = webhook_secret(Vault(settings.encryption_keys), source.credentials_encrypted)
    assert secret is not None
    assert secret.startswith("whsec_")
    page = html.unescape(admin_client.get(f"/inbound/web-forms/{source.id}").text)
    assert f'id="secret">{secret}<' in page
    assert f'id="hook-url">{settings.base_url}/hooks/{source.id}<' in page
    assert secret not in admin_client.get(f"/inbound/web-forms/{source.id}").text
    listing = admin_client.get("/inbound/web-forms").text
    assert "Partner leads" in listing
    assert secret not in listing


def test_a_name_is_taken_once(admin_client: FlaskClient) -> None:
    _add_form(admin_client, "Contact us", "token")
    again = _add_form(admin_client, "Contact us", "hmac")
    assert again.status_code == 400
    assert "A web form named &#39;Contact us&#39; exists already." in again.text


def test_a_failed_event_shows_its_error_and_retry_reprocesses_it(
    admin_client: FlaskClient, database: Database, settings: Settings
) -> None:
    _add_form(admin_client, "Contact us", "token")
    source = _source(database, "Contact us")
    secret = webhook_secret(Vault(settings.encryption_keys), source.credentials_encrypted)
    with database.session() as session:
        row = session.get(Connector, source.id)
        assert row is not None
        row.settings = {**row.settings, "customer_mapping": BROKEN_MAPPING}
    posted = admin_client.post(f"/hooks/{source.id}/{secret}", data=form_body(), content_type=FORM)
    event_id = posted.json["id"]
    process_batch(database)

    page = admin_client.get("/inbound").text
    row_html = _event_row(page, event_id)
    assert "failed" in row_html
    assert "nothing identifies a person" in row_html
    assert "email_address" in row_html
    assert f'action="/inbound/{event_id}/retry"' in row_html
    assert 'class="button button-small">Retry<' in row_html
    failed_only = admin_client.get(f"/inbound?source={source.id}&status=failed").text
    assert f'id="event-{event_id}"' in failed_only

    with database.session() as session:  # the admin fixes the mapping
        row = session.get(Connector, source.id)
        assert row is not None
        row.settings = {"auth": "token"}
    queued_before = queue_depths(settings.broker_url)["ingest"]
    token = csrf_from(page)
    retried = admin_client.post(f"/inbound/{event_id}/retry", data={"csrf_token": token})
    assert retried.status_code == 302
    assert queue_depths(settings.broker_url)["ingest"] == queued_before + 1
    [entry] = _actions(database, "inbound.retried")
    assert (entry.actor, entry.target) == (ADMIN, f"inbound event {event_id}")

    assert process_batch(database).processed == 1
    page = admin_client.get("/inbound").text
    row_html = _event_row(page, event_id)
    assert "processed" in row_html
    assert "Retry" not in row_html
    with database.session() as session:
        event = session.get(InboundEvent, event_id)
        assert event is not None
        assert (event.status, event.error) == ("processed", "")


def test_retry_needs_the_csrf_token_and_a_failed_event(
    admin_client: FlaskClient, database: Database, settings: Settings
) -> None:
    _add_form(admin_client, "Contact us", "token")
    source = _source(database, "Contact us")
    secret = webhook_secret(Vault(settings.encryption_keys), source.credentials_encrypted)
    body = form_body({**LEAD, "email": "x@example.com"})
    posted = admin_client.post(f"/hooks/{source.id}/{secret}", data=body, content_type=FORM)
    event_id = posted.json["id"]
    assert admin_client.post(f"/inbound/{event_id}/retry").status_code == 400
    token = csrf_from(admin_client.get("/inbound").text)
    pending = admin_client.post(
        f"/inbound/{event_id}/retry", data={"csrf_token": token}, follow_redirects=True
    )
    assert "only failed ones retry" in pending.text
    missing = admin_client.post(f"/inbound/{event_id + 1}/retry", data={"csrf_token": token})
    assert missing.status_code == 404
    assert _actions(database, "inbound.retried") == []


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/inbound"),
        ("get", "/inbound/web-forms"),
        ("post", "/inbound/1/retry"),
        ("get", "/inbound/web-forms/1"),
    ],
)
def test_reps_cannot_see_or_change_inbound_events(
    client: FlaskClient, database: Database, method: str, path: str
) -> None:
    make_user(database, "rita@example.com", "rep")
    sign_in(client, "rita@example.com")
    token = csrf_from(client.get("/").text)
    response = getattr(client, method)(path, data={"csrf_token": token})
    assert response.status_code == 403


def test_admins_find_the_page_in_the_navigation(admin_client: FlaskClient) -> None:
    assert 'href="/inbound"' in admin_client.get("/").text
    page = admin_client.get("/inbound").text
    assert "No source takes webhooks yet" in page
    assert admin_client.get("/inbound?status=nonsense").status_code == 404


def _event_row(page: str, event_id: int) -> str:
    match = re.search(rf'<tr id="event-{event_id}">(.*?)</tr>', page, re.DOTALL)
    assert match, f"event {event_id} is not on the page"
    return match.group(1)
