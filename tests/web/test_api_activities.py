"""Activities over the REST API: the filtered listing in cursor pages, and manual notes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from core.db import Database
from core.models import Activity, ActivityCustomer, AuditEntry, OutboxEvent
from tests.web.test_api import assert_problem, bearer, token_for
from tests.web.test_api_customers import walk

START = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def admin(database: Database) -> dict[str, str]:
    return bearer(token_for(database, "admin", name="ops"))


@pytest.fixture
def rep(database: Database) -> dict[str, str]:
    return bearer(token_for(database, "rep", name="dialer"))


def customer(client: FlaskClient, headers: dict[str, str], email: str) -> int:
    response = client.post("/api/v1/customers", json={"emails": [email]}, headers=headers)
    assert response.status_code == 201
    return int(response.get_json()["customer_id"])


def stored_activities(database: Database, links: dict[int, list[int]], **fields: Any) -> None:
    """Activities with the given customers, an hour apart, as a connector would log them."""
    with database.session() as session:
        for number, customer_ids in links.items():
            activity = Activity(
                external_id=f"seed-{number}",
                type=fields.get("type", "email"),
                occurred_at=START + timedelta(hours=number),
                subject=f"subject {number}",
                private=fields.get("private", ""),
            )
            session.add(activity)
            session.flush()
            session.add_all(
                ActivityCustomer(activity_id=activity.id, customer_id=customer_id)
                for customer_id in customer_ids
            )


def test_listing_filters_by_customer_and_pages_without_gaps(
    client: FlaskClient, database: Database, rep: dict[str, str]
) -> None:
    ada, grace = customer(client, rep, "ada@a.example"), customer(client, rep, "grace@g.example")
    stored_activities(database, {n: [ada] if n % 2 else [ada, grace] for n in range(7)})

    mine = walk(client, rep, f"/api/v1/activities?customer_id={grace}&limit=2")
    everything = walk(client, rep, "/api/v1/activities?limit=3")

    assert [item["subject"] for item in mine] == [
        "subject 0",
        "subject 2",
        "subject 4",
        "subject 6",
    ]
    assert [item["subject"] for item in everything] == [f"subject {n}" for n in range(7)]
    assert everything[0]["customer_ids"] == sorted([ada, grace])


def test_listing_filters_by_type_and_time(
    client: FlaskClient, database: Database, rep: dict[str, str]
) -> None:
    ada = customer(client, rep, "ada@a.example")
    stored_activities(database, {0: [ada], 1: [ada], 2: [ada]})
    with database.session() as session:
        session.get_one(Activity, 2).type = "call"
    since = (START + timedelta(hours=1)).isoformat()

    calls = client.get("/api/v1/activities?type=call", headers=rep).get_json()["items"]
    later = client.get(
        "/api/v1/activities", query_string={"occurred_since": since}, headers=rep
    ).get_json()["items"]

    assert [item["id"] for item in calls] == [2]
    assert [item["subject"] for item in later] == ["subject 1", "subject 2"]
    assert_problem(client.get("/api/v1/activities?type=fax", headers=rep), 422)


def test_private_activities_are_listed_for_admin_tokens_only(
    client: FlaskClient, database: Database, rep: dict[str, str], admin: dict[str, str]
) -> None:
    ada = customer(client, rep, "ada@a.example")
    stored_activities(database, {0: [ada]}, private="rep")

    assert client.get("/api/v1/activities", headers=rep).get_json()["items"] == []
    shown = client.get("/api/v1/activities", headers=admin).get_json()["items"]
    assert [item["private"] for item in shown] == [True]


def test_a_manual_note_is_logged_once_per_external_id(
    client: FlaskClient, database: Database, rep: dict[str, str]
) -> None:
    ada = customer(client, rep, "ada@a.example")
    note = {
        "customer_id": ada,
        "type": "call",
        "subject": "Renewal call",
        "summary": "Wants the annual plan.",
        "direction": "outbound",
        "duration_seconds": 300,
        "occurred_at": "2024-05-01T10:00:00Z",
        "external_id": "dialer-77",
    }

    first = client.post("/api/v1/activities", json=note, headers=rep)
    again = client.post("/api/v1/activities", json=note, headers=rep)

    assert first.status_code == 201, first.text
    assert again.status_code == 200
    body = first.get_json()
    assert again.get_json()["id"] == body["id"]
    assert body["customer_ids"] == [ada]
    assert body["occurred_at"].startswith("2024-05-01T10:00:00")
    assert body["duration_seconds"] == 300
    assert body["data"]["logged_by"].startswith("api:dialer")
    with database.session() as session:
        assert session.scalars(select(Activity.subject)).all() == ["Renewal call"]
        logged = session.scalars(
            select(OutboxEvent).where(OutboxEvent.type.like("activity.%"))
        ).all()
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "activity.logged")
        ).all()
    assert len(logged) == 1
    assert [entry.details["created"] for entry in entries] == [True, False]


def test_a_note_without_time_or_id_is_logged_now(client: FlaskClient, rep: dict[str, str]) -> None:
    ada = customer(client, rep, "ada@a.example")
    before = datetime.now(UTC)

    response = client.post(
        "/api/v1/activities", json={"customer_id": ada, "type": "note"}, headers=rep
    )

    assert response.status_code == 201
    body = response.get_json()
    assert datetime.fromisoformat(body["occurred_at"]) >= before.replace(microsecond=0)
    assert body["external_id"].startswith("api-")


def test_manual_activity_refusals(
    client: FlaskClient, rep: dict[str, str], admin: dict[str, str]
) -> None:
    ada, grace = customer(client, rep, "ada@a.example"), customer(client, rep, "grace@g.example")
    client.post(f"/api/v1/customers/{ada}/merge", json={"from_id": grace}, headers=admin)

    unknown = client.post(
        "/api/v1/activities", json={"customer_id": 999, "type": "note"}, headers=rep
    )
    merged = client.post(
        "/api/v1/activities", json={"customer_id": grace, "type": "note"}, headers=rep
    )
    email = client.post(
        "/api/v1/activities", json={"customer_id": ada, "type": "email"}, headers=rep
    )

    assert_problem(unknown, 404)
    assert f"merged into customer {ada}" in assert_problem(merged, 409)["detail"]
    assert "type" in assert_problem(email, 422)["errors"]["json"]
    assert_problem(client.post("/api/v1/activities", json={"type": "note"}), 401)
