"""Webhook endpoints over the REST API: the secret once, changes, deliveries, replays."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, update

from core.db import Database
from core.models import AuditEntry, Delivery, DeliveryAttempt, WebhookEndpoint
from core.vault import Vault
from tests.web.test_api import assert_problem, bearer, token_for
from tests.web.test_api_customers import walk

PUBLIC_URL = "https://93.184.215.14/hooks/crm"  # a public address: no DNS lookup needed
FAILED_AT = datetime(2024, 7, 1, 8, 30, tzinfo=UTC)


@pytest.fixture
def admin(database: Database) -> dict[str, str]:
    return bearer(token_for(database, "admin", name="ops"))


def new_endpoint(client: FlaskClient, admin: dict[str, str], **fields: Any) -> dict[str, Any]:
    body = {"url": PUBLIC_URL, "event_types": ["customer.*"], **fields}
    response = client.post("/api/v1/webhook-endpoints", json=body, headers=admin)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.get_json()
    return created


def test_the_secret_is_returned_at_creation_only(
    client: FlaskClient, database: Database, admin: dict[str, str], app: Any
) -> None:
    created = new_endpoint(client, admin, description="CRM mirror")
    secret = created["secret"]

    listed = client.get("/api/v1/webhook-endpoints", headers=admin)
    one = client.get(f"/api/v1/webhook-endpoints/{created['id']}", headers=admin)
    changed = client.patch(
        f"/api/v1/webhook-endpoints/{created['id']}", json={"enabled": False}, headers=admin
    )

    assert secret.startswith("whsec_")
    assert (created["url"], created["event_types"]) == (PUBLIC_URL, ["customer.*"])
    for response in (listed, one, changed):
        assert response.status_code == 200
        assert secret not in response.text
        assert "secret" not in response.text.replace("previous_secret_expires_at", "")
    with database.session() as session:
        stored = session.get_one(WebhookEndpoint, created["id"])
        audit = session.scalars(select(AuditEntry.details)).all()
    assert (
        Vault(app.extensions["crmhub"].settings.encryption_keys).decrypt(stored.secret_encrypted)
        == secret
    )
    assert all(secret not in str(details) for details in audit)


def test_rotation_returns_the_new_secret_once(client: FlaskClient, admin: dict[str, str]) -> None:
    created = new_endpoint(client, admin)

    rotated = client.post(f"/api/v1/webhook-endpoints/{created['id']}/rotate-secret", headers=admin)
    shown = client.get(f"/api/v1/webhook-endpoints/{created['id']}", headers=admin).get_json()

    assert rotated.status_code == 200
    body = rotated.get_json()
    assert body["secret"].startswith("whsec_")
    assert body["secret"] != created["secret"]
    assert shown["previous_secret_expires_at"] == body["previous_secret_expires_at"]


def test_patch_changes_fields_and_disables(client: FlaskClient, admin: dict[str, str]) -> None:
    created = new_endpoint(client, admin)

    response = client.patch(
        f"/api/v1/webhook-endpoints/{created['id']}",
        json={
            "description": "now",
            "event_types": ["activity.logged", "customer.*"],
            "enabled": False,
        },
        headers=admin,
    )

    body = response.get_json()
    assert body["description"] == "now"
    assert body["event_types"] == ["activity.logged", "customer.*"]
    assert (body["enabled"], body["disabled_reason"]) == (False, "disabled by an administrator")


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"url": "http://127.0.0.1:8080/hook"}, "url", "127.0.0.1 is a loopback address"),
        ({"url": "ftp://93.184.215.14/x"}, "url", "only http and https"),
        ({"url": PUBLIC_URL, "event_types": ["Customer Created"]}, "event_types", "pattern"),
    ],
)
def test_refused_urls_and_filters_are_422_problems(
    client: FlaskClient, admin: dict[str, str], body: dict[str, Any], field: str, words: str
) -> None:
    problem = assert_problem(
        client.post("/api/v1/webhook-endpoints", json=body, headers=admin), 422
    )

    assert words in problem["detail"]
    assert field in problem["errors"]["json"]


def test_a_private_address_is_named_in_the_refusal(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    created = new_endpoint(client, admin)

    problem = assert_problem(
        client.patch(
            f"/api/v1/webhook-endpoints/{created['id']}",
            json={"url": "http://10.0.0.5/hook"},
            headers=admin,
        ),
        422,
    )

    assert problem["detail"] == "The URL cannot receive webhooks: 10.0.0.5 is a private address."


def test_delete_removes_the_endpoint(client: FlaskClient, admin: dict[str, str]) -> None:
    created = new_endpoint(client, admin)
    url = f"/api/v1/webhook-endpoints/{created['id']}"

    assert client.delete(url, headers=admin).status_code == 204
    assert_problem(client.get(url, headers=admin), 404)
    assert_problem(client.delete(url, headers=admin), 404)
    assert_problem(client.post(f"{url}/rotate-secret", headers=admin), 404)


def test_endpoints_are_for_admin_tokens(client: FlaskClient, database: Database) -> None:
    rep = bearer(token_for(database, "rep"))

    assert_problem(client.get("/api/v1/webhook-endpoints", headers=rep), 403)
    assert_problem(
        client.post("/api/v1/webhook-endpoints", json={"url": PUBLIC_URL}, headers=rep), 403
    )


def test_deliveries_list_their_attempts_and_can_be_replayed(
    client: FlaskClient, database: Database, admin: dict[str, str]
) -> None:
    created = new_endpoint(client, admin)
    base = f"/api/v1/webhook-endpoints/{created['id']}"
    sent = [client.post(f"{base}/test", headers=admin).get_json() for _ in range(3)]
    failed = sent[0]["delivery_id"]
    with database.session() as session:
        session.add_all(
            [
                DeliveryAttempt(
                    delivery_id=failed,
                    at=FAILED_AT,
                    status_code=500,
                    latency_ms=120,
                    response_excerpt="oops",
                    error="HTTP 500",
                ),
                DeliveryAttempt(
                    delivery_id=failed,
                    at=FAILED_AT + timedelta(minutes=5),
                    status_code=None,
                    latency_ms=None,
                    error="timed out",
                ),
            ]
        )
        session.execute(
            update(Delivery)
            .where(Delivery.id == failed)
            .values(status="failed", attempts=2, next_attempt_at=None)
        )

    listed = walk(client, admin, f"{base}/deliveries?limit=2")
    only_failed = client.get(f"{base}/deliveries?status=failed", headers=admin).get_json()
    replayed = client.post(f"{base}/deliveries/{failed}/replay", headers=admin)
    since = client.post(f"{base}/replay", json={"since": "2000-01-01T00:00:00Z"}, headers=admin)

    assert [item["id"] for item in listed] == [s["delivery_id"] for s in reversed(sent)]
    assert listed[-1]["event_id"] == sent[0]["event_id"]
    assert listed[-1]["event_type"] == "webhook.test"
    attempts = only_failed["items"][0]["attempts"]
    assert [a["error"] for a in attempts] == ["timed out", "HTTP 500"]
    assert (attempts[1]["status_code"], attempts[1]["latency_ms"]) == (500, 120)
    assert attempts[1]["response_excerpt"] == "oops"
    assert replayed.status_code == 202
    # the replay starts a new schedule; the count still says two attempts were made
    assert (replayed.get_json()["status"], replayed.get_json()["attempt_count"]) == ("pending", 2)
    assert since.get_json() == {"queued": 3}


def test_delivery_refusals(client: FlaskClient, admin: dict[str, str]) -> None:
    one, other = new_endpoint(client, admin), new_endpoint(client, admin)
    delivery = client.post(f"/api/v1/webhook-endpoints/{one['id']}/test", headers=admin).get_json()[
        "delivery_id"
    ]
    client.patch(f"/api/v1/webhook-endpoints/{other['id']}", json={"enabled": False}, headers=admin)

    foreign = client.post(
        f"/api/v1/webhook-endpoints/{other['id']}/deliveries/{delivery}/replay", headers=admin
    )
    disabled = client.post(f"/api/v1/webhook-endpoints/{other['id']}/test", headers=admin)
    missing = client.get("/api/v1/webhook-endpoints/999/deliveries", headers=admin)
    bad_since = client.post(
        f"/api/v1/webhook-endpoints/{one['id']}/replay", json={"since": "last week"}, headers=admin
    )

    assert_problem(foreign, 404)
    assert "disabled" in assert_problem(disabled, 409)["detail"]
    assert_problem(missing, 404)
    assert "since" in assert_problem(bad_since, 422)["errors"]["json"]
