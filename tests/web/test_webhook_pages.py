"""The webhook admin pages: endpoints, the once-only secret, actions, the delivery log.

Deliveries are sent for real by ``deliver_due`` to a receiver on 127.0.0.1, admitted by
the allow-list, so the log shows attempts the real sending code recorded.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from core.db import Database
from core.models import (
    AppSetting,
    AuditEntry,
    Delivery,
    DeliveryAttempt,
    OutboxEvent,
    WebhookEndpoint,
    utcnow,
)
from core.settings import Settings
from core.upsert import upsert
from core.vault import Vault
from tests.web.helpers import csrf_from, make_user, sign_in
from tests.webhooks.outbound.receivers import Receiver, Reply
from web.app import create_app
from webhooks.outbound import deliver_due, set_enabled
from webhooks.outbound.allowlist import ALLOWLIST_KEY
from webhooks.outbound.delivering import SendPool
from webhooks.outbound.options import OPTIONS_KEY

LOOPBACK = "127.0.0.1/32"
ADMIN = "ada@example.com"
SECRET = re.compile(r"whsec_[A-Za-z0-9+/=]{40,}")
FIVE_DAYS = "failed continuously since 2024-05-01T12:00:00.000Z (5 days or more)"


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings(outbound_allowlist=LOOPBACK)


@pytest.fixture
def admin(client: FlaskClient, database: Database) -> FlaskClient:
    make_user(database, ADMIN, "admin")
    sign_in(client, ADMIN)
    return client


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    started = Receiver().start()
    yield started
    started.stop()


@pytest.fixture
def pool() -> Iterator[SendPool]:
    send_pool = SendPool(concurrency=2)
    yield send_pool
    send_pool.close()


def vault_of(app: Flask) -> Vault:
    vault: Vault = app.extensions["crmhub"].vault
    return vault


def token(client: FlaskClient, path: str = "/webhooks/new") -> str:
    return csrf_from(client.get(path).text)


def create(
    client: FlaskClient, url: str, types: tuple[str, ...] = ("customer.*",), **fields: str
) -> Any:
    form = {"csrf_token": token(client), "url": url, "event_types": list(types), **fields}
    return client.post("/webhooks/new", data=form)


def created_id(client: FlaskClient, url: str, **fields: Any) -> int:
    response = create(client, url, **fields)
    assert response.status_code == 302, response.text
    match = re.fullmatch(r"/webhooks/(\d+)/secret", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def post(client: FlaskClient, path: str, endpoint_id: int, **data: str) -> Any:
    form = {"csrf_token": token(client, f"/webhooks/{endpoint_id}"), **data}
    return client.post(path, data=form)


def endpoint_row(database: Database, endpoint_id: int) -> WebhookEndpoint | None:
    with database.session() as session:
        return session.get(WebhookEndpoint, endpoint_id)


def audits(database: Database, action: str) -> list[AuditEntry]:
    with database.session() as session:
        query = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        return list(session.scalars(query))


def deliveries(database: Database, endpoint_id: int) -> list[Delivery]:
    with database.session() as session:
        query = select(Delivery).where(Delivery.endpoint_id == endpoint_id)
        return list(session.scalars(query.order_by(Delivery.id)))


def fast_retries(database: Database) -> None:
    value = {"retry_schedule": [0, 0, 0], "timeout_seconds": 2, "lease_seconds": 60}
    with database.session() as session:
        upsert(
            session,
            AppSetting,
            key={"key": OPTIONS_KEY},
            insert={"value": value},
            update={"value": value},
        )


def send_due(app: Flask, database: Database, pool: SendPool) -> int:
    hub = app.extensions["crmhub"]
    return deliver_due(database, hub.vault, hub.settings.outbound_allowlist, pool=pool).attempts


# Access


ADMIN_PAGES = ("/webhooks", "/webhooks/new", "/webhooks/allowed-ranges", "/webhooks/{id}")


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_a_rep_gets_403(
    admin: FlaskClient, app: Flask, database: Database, receiver: Receiver, path: str
) -> None:
    endpoint_id = created_id(admin, receiver.url)
    make_user(database, "rita@example.com", "rep")
    rep = app.test_client()
    sign_in(rep, "rita@example.com")

    response = rep.get(path.format(id=endpoint_id))

    assert response.status_code == 403
    assert 'href="/webhooks"' not in rep.get("/").text


def test_a_rep_cannot_post_an_action(
    admin: FlaskClient, app: Flask, database: Database, receiver: Receiver
) -> None:
    endpoint_id = created_id(admin, receiver.url)
    make_user(database, "rita@example.com", "rep")
    rep = app.test_client()
    sign_in(rep, "rita@example.com")
    form = {"csrf_token": csrf_from(rep.get("/").text)}

    response = rep.post(f"/webhooks/{endpoint_id}/disable", data=form)

    assert response.status_code == 403
    row = endpoint_row(database, endpoint_id)
    assert row is not None
    assert row.enabled


POSTS = (
    "/webhooks/new",
    "/webhooks/allowed-ranges",
    "/webhooks/{id}/edit",
    "/webhooks/{id}/enable",
    "/webhooks/{id}/disable",
    "/webhooks/{id}/rotate",
    "/webhooks/{id}/test",
    "/webhooks/{id}/delete",
    "/webhooks/{id}/replay-since",
    "/webhooks/{id}/deliveries/{delivery}/replay",
)


@pytest.mark.parametrize("path", POSTS)
def test_a_form_without_its_csrf_token_gets_400_and_changes_nothing(
    admin: FlaskClient, database: Database, receiver: Receiver, path: str
) -> None:
    endpoint_id = created_id(admin, receiver.url)
    post(admin, f"/webhooks/{endpoint_id}/test", endpoint_id)
    (delivery,) = deliveries(database, endpoint_id)

    response = admin.post(
        path.format(id=endpoint_id, delivery=delivery.id),
        data={"url": "http://127.0.0.1:1/x", "event_types": ["*"], "cidrs": "10.0.0.0/8"},
    )

    assert response.status_code == 400
    assert "This form has expired" in response.text
    row = endpoint_row(database, endpoint_id)
    assert row is not None
    assert (row.url, row.enabled, row.previous_secret_encrypted) == (receiver.url, True, None)
    assert len(deliveries(database, endpoint_id)) == 1
    with database.session() as session:
        assert (
            session.scalar(select(WebhookEndpoint.id).where(WebhookEndpoint.id != endpoint_id))
            is None
        )
        assert session.get(AppSetting, ALLOWLIST_KEY) is None
        query = select(AuditEntry.action).where(AuditEntry.action.like("webhook%"))
        entries = session.scalars(query.order_by(AuditEntry.id)).all()
    assert entries == ["webhook_endpoint.created", "webhook_endpoint.test_sent"]


# Creating, and the URL guard


def test_a_loopback_url_is_refused_next_to_the_field(
    make_settings: Callable[..., Settings], database: Database
) -> None:
    app = create_app(make_settings(), database)  # no allow-list at all
    client = app.test_client()
    make_user(database, ADMIN, "admin")
    sign_in(client, ADMIN)

    response = create(client, "http://127.0.0.1:8080/hooks", description="Local")

    assert response.status_code == 400
    error = re.search(r'<p class="field-error">([^<]*)</p>', response.text)
    assert error is not None
    assert error.group(1) == "127.0.0.1 is a loopback address."
    assert 'value="http://127.0.0.1:8080/hooks"' in response.text  # kept for correcting
    with database.session() as session:
        assert session.scalars(select(WebhookEndpoint)).all() == []
    assert audits(database, "webhook_endpoint.created") == []


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://2130706433/", "2130706433 is an unusual way of writing an IP address"),
        ("http://user@example.com/", "A URL with a user name or password"),
        ("ftp://example.com/", "Only http and https URLs can receive webhooks"),
        ("http://169.254.169.254/latest", "169.254.169.254 is a link-local address"),
    ],
)
def test_odd_and_internal_urls_are_refused_with_the_guards_reason(
    admin: FlaskClient, database: Database, url: str, reason: str
) -> None:
    response = create(admin, url)

    assert response.status_code == 400
    error = re.search(r'<p class="field-error">([^<]*)</p>', response.text)
    assert error is not None
    assert error.group(1).startswith(reason)
    with database.session() as session:
        assert session.scalars(select(WebhookEndpoint)).all() == []


def test_the_admins_allow_list_admits_a_loopback_receiver(
    make_settings: Callable[..., Settings], database: Database
) -> None:
    app = create_app(make_settings(), database)
    client = app.test_client()
    make_user(database, ADMIN, "admin")
    sign_in(client, ADMIN)
    assert create(client, "http://127.0.0.1:8080/hooks").status_code == 400

    page = client.get("/webhooks/allowed-ranges")
    saved = client.post(
        "/webhooks/allowed-ranges",
        data={"csrf_token": csrf_from(page.text), "cidrs": "127.0.0.1/32  # the test receiver\n"},
    )

    assert saved.status_code == 302
    assert "127.0.0.1/32" in client.get("/webhooks/allowed-ranges").text
    assert create(client, "http://127.0.0.1:8080/hooks").status_code == 302
    (entry,) = audits(database, "webhook_allowlist.changed")
    assert (entry.actor, entry.details) == (ADMIN, {"before": [], "after": ["127.0.0.1/32"]})


def test_a_bad_range_is_refused_and_nothing_is_stored(
    admin: FlaskClient, database: Database
) -> None:
    response = admin.post(
        "/webhooks/allowed-ranges",
        data={"csrf_token": token(admin), "cidrs": "10.0.0.0/8\nten.dot/8"},
    )

    assert response.status_code == 400
    assert "&#39;ten.dot/8&#39; is not a CIDR range such as 10.0.0.0/8." in response.text
    with database.session() as session:
        assert session.get(AppSetting, ALLOWLIST_KEY) is None
    assert audits(database, "webhook_allowlist.changed") == []


def test_the_environments_ranges_are_shown_read_only(admin: FlaskClient) -> None:
    page = admin.get("/webhooks/allowed-ranges").text

    section = page.split('id="from-settings"', 1)[1]
    assert "<code>127.0.0.1/32</code>" in section
    assert "CRMHUB_OUTBOUND_ALLOWLIST" in section
    assert "<textarea" not in section
    textarea = re.search(r"<textarea[^>]*>([^<]*)</textarea>", page)
    assert textarea is not None
    assert textarea.group(1).strip() == ""  # not mixed into the admin's own list


def test_the_secret_is_shown_once(
    admin: FlaskClient, app: Flask, database: Database, receiver: Receiver
) -> None:
    response = create(
        admin,
        receiver.url,
        types=("customer.created", "activity.logged"),
        description="Billing sync",
        other_types="ticket.*, *.erased",
    )
    secret_page = admin.get(response.headers["Location"])

    shown = SECRET.findall(secret_page.text)
    assert len(shown) == 1
    assert "only time it is shown" in secret_page.text
    assert secret_page.headers["Cache-Control"] == "no-store"
    endpoint_id = int(response.headers["Location"].split("/")[2])
    row = endpoint_row(database, endpoint_id)
    assert row is not None
    assert vault_of(app).decrypt(row.secret_encrypted) == shown[0]
    assert shown[0] not in row.secret_encrypted
    assert row.event_types == ["customer.created", "activity.logged", "ticket.*", "*.erased"]
    assert row.description == "Billing sync"
    cookie = admin.get_cookie("crmhub_session")
    assert cookie is not None
    assert shown[0] not in cookie.value
    assert shown[0][6:20] not in cookie.value

    again = admin.get(response.headers["Location"])

    assert again.status_code == 200
    assert SECRET.search(again.text) is None
    assert "was shown once" in again.text
    (entry,) = audits(database, "webhook_endpoint.created")
    assert entry.target == f"webhook endpoint {endpoint_id}"
    assert entry.details == {
        "url": receiver.url,
        "event_types": ["customer.created", "activity.logged", "ticket.*", "*.erased"],
    }
    assert "whsec_" not in str(entry.details)


def test_a_pattern_that_can_never_match_is_refused(admin: FlaskClient, database: Database) -> None:
    response = create(admin, "http://127.0.0.1:9/hooks", types=(), other_types="customer..x")

    assert response.status_code == 400
    assert "is not an event type or pattern such as customer.*" in response.text
    with database.session() as session:
        assert session.scalars(select(WebhookEndpoint)).all() == []


def test_the_list_shows_filters_state_and_counts(
    admin: FlaskClient, database: Database, receiver: Receiver
) -> None:
    healthy = created_id(admin, receiver.url, description="CRM mirror")
    dead = created_id(admin, "http://127.0.0.1:9/gone", types=("activity.logged",))
    post(admin, f"/webhooks/{healthy}/test", healthy)
    post(admin, f"/webhooks/{healthy}/test", healthy)
    with database.session() as session:
        set_enabled(session, dead, False, FIVE_DAYS)
        session.get_one(WebhookEndpoint, dead).failing_since = utcnow() - timedelta(days=5)

    page = admin.get("/webhooks").text

    rows = page.split("<tbody>", 1)[1].split("</tr>")
    assert "CRM mirror" in rows[0]
    assert '<code class="pattern">customer.*</code>' in rows[0]
    assert "Enabled" in rows[0]
    assert re.search(r'<td class="num">2</td>\s*<td class="num">0</td>', rows[0])
    assert "Disabled" in rows[1]
    assert f'<p class="flag flag-bad">F{FIVE_DAYS[1:]}.</p>' in rows[1]
    assert '<code class="pattern">activity.logged</code>' in rows[1]


# The endpoint page and its actions


def test_edit_checks_the_new_url_and_saves(
    admin: FlaskClient, database: Database, receiver: Receiver
) -> None:
    endpoint_id = created_id(admin, receiver.url)
    form = {"url": "http://10.1.2.3/hooks", "description": "x", "event_types": ["*"]}

    refused = post(admin, f"/webhooks/{endpoint_id}/edit", endpoint_id, **form)

    assert refused.status_code == 400
    assert "10.1.2.3 is a private address." in refused.text
    row = endpoint_row(database, endpoint_id)
    assert row is not None
    assert (row.url, row.event_types) == (receiver.url, ["customer.*"])

    form["url"] = receiver.url + "/v2"
    saved = post(admin, f"/webhooks/{endpoint_id}/edit", endpoint_id, **form)

    assert saved.status_code == 302
    row = endpoint_row(database, endpoint_id)
    assert row is not None
    assert (row.url, row.description, row.event_types) == (receiver.url + "/v2", "x", ["*"])
    page = admin.get(f"/webhooks/{endpoint_id}").text
    assert "The endpoint was saved." in page
    assert re.search(r'value="\*" checked', page) or re.search(r'checked[^>]*value="\*"', page)
    (entry,) = audits(database, "webhook_endpoint.changed")
    assert entry.details == {"url": receiver.url + "/v2", "description": "x", "event_types": ["*"]}


def test_disable_then_enable(admin: FlaskClient, database: Database, receiver: Receiver) -> None:
    endpoint_id = created_id(admin, receiver.url)

    assert post(admin, f"/webhooks/{endpoint_id}/disable", endpoint_id).status_code == 302

    row = endpoint_row(database, endpoint_id)
    assert row is not None
    assert (row.enabled, row.disabled_reason) == (False, "disabled by an administrator")
    page = admin.get(f"/webhooks/{endpoint_id}").text
    assert "The endpoint is disabled: nothing is sent to it until it is enabled." in page
    assert "disabled by an administrator" in page.split('id="health"', 1)[1]
    refused = post(admin, f"/webhooks/{endpoint_id}/test", endpoint_id)
    assert refused.status_code == 302
    assert "enable it to send a test event" in admin.get(f"/webhooks/{endpoint_id}").text
    assert deliveries(database, endpoint_id) == []

    assert post(admin, f"/webhooks/{endpoint_id}/enable", endpoint_id).status_code == 302

    row = endpoint_row(database, endpoint_id)
    assert row is not None
    assert (row.enabled, row.disabled_reason, row.failing_since) == (True, "", None)
    assert [e.action for e in audits(database, "webhook_endpoint.disabled")] == [
        "webhook_endpoint.disabled"
    ]
    assert [e.target for e in audits(database, "webhook_endpoint.enabled")] == [
        f"webhook endpoint {endpoint_id}"
    ]


def test_an_endpoint_disabled_for_failing_says_why(
    admin: FlaskClient, database: Database, receiver: Receiver
) -> None:
    endpoint_id = created_id(admin, receiver.url)
    with database.session() as session:
        set_enabled(session, endpoint_id, False, FIVE_DAYS)
        session.get_one(WebhookEndpoint, endpoint_id).failing_since = utcnow() - timedelta(days=6)

    page = admin.get(f"/webhooks/{endpoint_id}").text

    notice = page.split('id="health"', 1)[1].split("</div>", 1)[0]
    assert "Nothing is sent to this endpoint:" in notice
    assert FIVE_DAYS in notice
    assert "It has been failing since" in notice


def test_rotate_shows_the_new_secret_once_and_the_grace(
    admin: FlaskClient, app: Flask, database: Database, receiver: Receiver
) -> None:
    endpoint_id = created_id(admin, receiver.url)
    old = SECRET.findall(admin.get(f"/webhooks/{endpoint_id}/secret").text)[0]
    before = utcnow()

    response = post(admin, f"/webhooks/{endpoint_id}/rotate", endpoint_id)

    assert response.headers["Location"] == f"/webhooks/{endpoint_id}/secret"
    page = admin.get(response.headers["Location"]).text
    (new,) = SECRET.findall(page)
    assert new != old
    row = endpoint_row(database, endpoint_id)
    assert row is not None
    assert row.previous_secret_encrypted is not None
    assert row.previous_secret_expires_at is not None
    vault = vault_of(app)
    assert (vault.decrypt(row.secret_encrypted), vault.decrypt(row.previous_secret_encrypted)) == (
        new,
        old,
    )
    until = row.previous_secret_expires_at
    assert timedelta(hours=23, minutes=59) < until - before <= timedelta(hours=24, seconds=5)
    grace = page.split('id="grace"', 1)[1]
    assert f"stays valid until <strong>{until:%Y-%m-%d %H:%M} UTC</strong>" in grace
    assert SECRET.search(admin.get(response.headers["Location"]).text) is None
    assert (
        f"still signs until {until:%Y-%m-%d %H:%M} UTC"
        in admin.get(f"/webhooks/{endpoint_id}").text
    )
    (entry,) = audits(database, "webhook_endpoint.secret_rotated")
    assert entry.details == {"old_secret_valid_until": until.isoformat()}


def test_delete_asks_first_then_removes_the_log(
    admin: FlaskClient, database: Database, receiver: Receiver
) -> None:
    endpoint_id = created_id(admin, receiver.url)
    post(admin, f"/webhooks/{endpoint_id}/test", endpoint_id)

    confirm = admin.get(f"/webhooks/{endpoint_id}/delete")

    assert confirm.status_code == 200
    assert "Its delivery and its log are deleted with it" in confirm.text
    assert endpoint_row(database, endpoint_id) is not None

    response = admin.post(
        f"/webhooks/{endpoint_id}/delete", data={"csrf_token": csrf_from(confirm.text)}
    )

    assert response.headers["Location"] == "/webhooks"
    assert endpoint_row(database, endpoint_id) is None
    assert deliveries(database, endpoint_id) == []
    assert "and its delivery log were deleted" in admin.get("/webhooks").text
    assert admin.get(f"/webhooks/{endpoint_id}").status_code == 404
    (entry,) = audits(database, "webhook_endpoint.deleted")
    assert entry.details == {"url": receiver.url, "deliveries": 1}


# Test events, the delivery log and replays


def test_a_test_event_makes_one_delivery(
    admin: FlaskClient, database: Database, receiver: Receiver
) -> None:
    endpoint_id = created_id(admin, receiver.url)
    other = created_id(admin, receiver.url + "/other", types=("*",))

    response = post(admin, f"/webhooks/{endpoint_id}/test", endpoint_id)

    assert response.status_code == 302
    (delivery,) = deliveries(database, endpoint_id)
    assert deliveries(database, other) == []
    with database.session() as session:
        event = session.get_one(OutboxEvent, delivery.event_id)
    assert event.type == "webhook.test"
    assert (delivery.status, delivery.attempts) == ("pending", 0)
    page = admin.get(f"/webhooks/{endpoint_id}").text
    assert f"A test event ({event.event_id}) was queued" in page
    assert event.event_id in page.split('id="deliveries"', 1)[1]
    assert "Not attempted yet; it goes out within a few seconds." in page
    (entry,) = audits(database, "webhook_endpoint.test_sent")
    assert entry.details == {"event": event.event_id}


def test_the_log_shows_each_attempt(
    admin: FlaskClient, app: Flask, database: Database, receiver: Receiver, pool: SendPool
) -> None:
    fast_retries(database)
    receiver.then(Reply(503, body=b"upstream down"), Reply(200, body=b"thanks"))
    endpoint_id = created_id(admin, receiver.url)
    post(admin, f"/webhooks/{endpoint_id}/test", endpoint_id)

    assert send_due(app, database, pool) == 1
    assert send_due(app, database, pool) == 1

    (delivery,) = deliveries(database, endpoint_id)
    assert (delivery.status, delivery.attempts) == ("succeeded", 2)
    page = admin.get(f"/webhooks/{endpoint_id}").text
    block = page.split(f'id="delivery-{delivery.id}"', 1)[1]
    assert "Delivered" in block
    assert '<td class="num">2</td>' in block
    attempts = re.findall(r'<tr class="attempt">(.*?)</tr>', block, re.S)
    assert len(attempts) == 2
    assert "200" in attempts[0]
    assert "thanks" in attempts[0]
    assert "503" in attempts[1]
    assert "upstream down" in attempts[1]
    assert all(re.search(r"\d+ ms|\d\.\d s", attempt) for attempt in attempts)
    assert all(re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", attempt) for attempt in attempts)


def test_replay_one_delivery_sends_it_again_with_the_same_id(
    admin: FlaskClient, app: Flask, database: Database, receiver: Receiver, pool: SendPool
) -> None:
    endpoint_id = created_id(admin, receiver.url)
    post(admin, f"/webhooks/{endpoint_id}/test", endpoint_id)
    send_due(app, database, pool)
    (delivery,) = deliveries(database, endpoint_id)
    assert delivery.status == "succeeded"

    response = post(admin, f"/webhooks/{endpoint_id}/deliveries/{delivery.id}/replay", endpoint_id)

    assert response.status_code == 302
    (replayed,) = deliveries(database, endpoint_id)
    assert (replayed.status, replayed.attempts) == ("pending", 0)
    assert (
        "queued to go out again under the same webhook-id"
        in admin.get(f"/webhooks/{endpoint_id}").text
    )
    assert send_due(app, database, pool) == 1
    assert receiver.count() == 2
    assert receiver.requests[0].webhook_id == receiver.requests[1].webhook_id
    assert receiver.requests[0].body == receiver.requests[1].body
    with database.session() as session:
        logged = session.scalars(
            select(DeliveryAttempt.status_code).where(DeliveryAttempt.delivery_id == delivery.id)
        ).all()
    assert logged == [200, 200]
    block = admin.get(f"/webhooks/{endpoint_id}").text.split(f'id="delivery-{delivery.id}"', 1)[1]
    assert '<td class="num">2</td>' in block  # both attempts counted, not the new run's 1
    (entry,) = audits(database, "webhook_delivery.replayed")
    assert entry.details == {"delivery_id": delivery.id}


def test_replay_refuses_another_endpoints_delivery(
    admin: FlaskClient, database: Database, receiver: Receiver
) -> None:
    first = created_id(admin, receiver.url)
    second = created_id(admin, receiver.url + "/2")
    post(admin, f"/webhooks/{first}/test", first)
    (delivery,) = deliveries(database, first)

    post(admin, f"/webhooks/{second}/deliveries/{delivery.id}/replay", second)

    assert f"This endpoint has no delivery {delivery.id}." in admin.get(f"/webhooks/{second}").text
    assert audits(database, "webhook_delivery.replayed") == []


def test_replay_everything_since_a_time(
    admin: FlaskClient, app: Flask, database: Database, receiver: Receiver, pool: SendPool
) -> None:
    endpoint_id = created_id(admin, receiver.url)
    post(admin, f"/webhooks/{endpoint_id}/test", endpoint_id)
    post(admin, f"/webhooks/{endpoint_id}/test", endpoint_id)
    assert send_due(app, database, pool) == 2
    since = utcnow() - timedelta(hours=1)

    later = utcnow() + timedelta(hours=1)
    post(
        admin, f"/webhooks/{endpoint_id}/replay-since", endpoint_id, since=f"{later:%Y-%m-%dT%H:%M}"
    )
    assert "nothing was queued" in admin.get(f"/webhooks/{endpoint_id}").text
    response = post(
        admin, f"/webhooks/{endpoint_id}/replay-since", endpoint_id, since=f"{since:%Y-%m-%dT%H:%M}"
    )

    assert response.status_code == 302
    page = admin.get(f"/webhooks/{endpoint_id}").text
    assert (
        f"2 deliveries were made since {since:%Y-%m-%d %H:%M} UTC queued to go out again." in page
    )
    assert [d.status for d in deliveries(database, endpoint_id)] == ["pending", "pending"]
    assert send_due(app, database, pool) == 2
    ids = [r.webhook_id for r in receiver.requests]
    assert len(ids) == 4
    assert sorted(ids[:2]) == sorted(ids[2:])
    entries = audits(database, "webhook_delivery.replayed_since")
    assert [e.details["deliveries"] for e in entries] == [0, 2]
    assert entries[1].details["since"] == since.replace(second=0, microsecond=0).isoformat()


def test_the_log_is_paginated_latest_first(
    admin: FlaskClient, database: Database, receiver: Receiver
) -> None:
    endpoint_id = created_id(admin, receiver.url)
    for _ in range(26):
        post(admin, f"/webhooks/{endpoint_id}/test", endpoint_id)
    made = deliveries(database, endpoint_id)

    first = admin.get(f"/webhooks/{endpoint_id}").text
    second = admin.get(f"/webhooks/{endpoint_id}?page=2").text

    assert first.count('class="delivery"') == 25
    assert "Page 1 of 2" in first
    assert f'id="delivery-{made[-1].id}"' in first.split('class="delivery"')[1]
    assert second.count('class="delivery"') == 1
    assert f'id="delivery-{made[0].id}"' in second
    assert admin.get(f"/webhooks/{endpoint_id}?page=3").status_code == 404


def test_an_unchanged_url_is_not_refused_when_only_the_description_changes(
    make_settings: Callable[..., Settings], database: Database
) -> None:
    app = create_app(make_settings(), database)  # loopback admitted by the admin's list only
    client = app.test_client()
    make_user(database, ADMIN, "admin")
    sign_in(client, ADMIN)
    allowed = {"csrf_token": token(client), "cidrs": LOOPBACK}
    client.post("/webhooks/allowed-ranges", data=allowed)
    endpoint_id = created_id(client, "http://127.0.0.1:9/hooks")
    client.post("/webhooks/allowed-ranges", data={**allowed, "cidrs": ""})
    form = {"url": "http://127.0.0.1:9/hooks", "description": "new words", "event_types": ["*"]}

    saved = post(client, f"/webhooks/{endpoint_id}/edit", endpoint_id, **form)
    moved = post(client, f"/webhooks/{endpoint_id}/edit", endpoint_id, url="http://127.0.0.1:10/")

    assert saved.status_code == 302
    assert moved.status_code == 400
    assert "127.0.0.1 is a loopback address." in moved.text
    row = endpoint_row(database, endpoint_id)
    assert row is not None
    assert (row.url, row.description) == ("http://127.0.0.1:9/hooks", "new words")


def test_a_replay_to_a_disabled_endpoint_says_it_waits(
    admin: FlaskClient, database: Database, receiver: Receiver
) -> None:
    endpoint_id = created_id(admin, receiver.url)
    post(admin, f"/webhooks/{endpoint_id}/test", endpoint_id)
    (delivery,) = deliveries(database, endpoint_id)
    post(admin, f"/webhooks/{endpoint_id}/disable", endpoint_id)

    post(admin, f"/webhooks/{endpoint_id}/deliveries/{delivery.id}/replay", endpoint_id)

    page = admin.get(f"/webhooks/{endpoint_id}").text
    assert "nothing goes out until it is enabled again." in page
    assert "within a few seconds of enabling the endpoint" in page
