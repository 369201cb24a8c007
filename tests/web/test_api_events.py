"""The event feed over the REST API: the outbox in id order, shaped like webhooks."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db import Database
from core.models import OutboxEvent
from core.outbox import write_event
from tests.web.test_api import assert_problem, bearer, token_for
from tests.web.test_api_customers import walk
from web.api.cursors import decode_cursor
from web.api.events import event_page
from webhooks.outbound import TEST_EVENT_TYPE
from webhooks.outbound.filters import WILDCARD
from webhooks.outbound.payload import event_body

TYPES = [
    "customer.created",
    "activity.logged",
    "customer.updated",
    TEST_EVENT_TYPE,
    "customer.email.changed",
    "activity.created",
    "customer.merged",
]


@pytest.fixture
def token(database: Database) -> dict[str, str]:
    with database.session() as session:
        for number, event_type in enumerate(TYPES):
            write_event(
                session,
                event_type,
                subject_type="customer",
                subject_id=number,
                sequence=number + 1,
                payload={"id": number, "note": f"event {number}"},
            )
    return bearer(token_for(database, "rep"))


def test_the_feed_pages_every_event_in_order_without_test_events(
    client: FlaskClient, database: Database, token: dict[str, str]
) -> None:
    items = walk(client, token, "/api/v1/events?limit=2", key="after")

    assert [item["type"] for item in items] == [t for t in TYPES if t != TEST_EVENT_TYPE]
    with database.session() as session:
        first = session.scalars(select(OutboxEvent).order_by(OutboxEvent.id)).first()
    assert first is not None
    webhook = json.loads(event_body(first.type, first.created_at, first.payload, first.sequence))
    assert items[0] == {"event_id": first.event_id, **webhook}
    assert items[0]["data"]["sequence"] == 1


@pytest.mark.parametrize(
    ("types", "expected"),
    [
        (
            "customer.*",
            ["customer.created", "customer.updated", "customer.email.changed", "customer.merged"],
        ),
        ("activity.logged,customer.merged", ["activity.logged", "customer.merged"]),
        ("*.created", ["customer.created", "activity.created"]),
        ("*", [t for t in TYPES if t != TEST_EVENT_TYPE]),
    ],
)
def test_types_filter_like_a_webhook_subscription(
    client: FlaskClient, token: dict[str, str], types: str, expected: list[str]
) -> None:
    items = walk(client, token, f"/api/v1/events?limit=1&types={types}", key="after")

    assert [item["type"] for item in items] == expected


def test_a_poller_resumes_from_its_last_cursor(
    client: FlaskClient, database: Database, token: dict[str, str]
) -> None:
    end = client.get("/api/v1/events?types=customer.*", headers=token).get_json()
    assert end["has_more"] is False
    with database.session() as session:
        write_event(
            session,
            "activity.logged",
            subject_type="activity",
            subject_id=1,
            sequence=1,
            payload={},
        )
        write_event(
            session,
            "customer.updated",
            subject_type="customer",
            subject_id=9,
            sequence=2,
            payload={"id": 9},
        )

    later = client.get(
        f"/api/v1/events?types=customer.*&after={end['next_cursor']}", headers=token
    ).get_json()

    assert [item["data"]["id"] for item in later["items"]] == [9]


@pytest.mark.parametrize("query", ["types=Customer%20created", "after=bm9wZQ", "limit=501"])
def test_bad_feed_parameters_are_422_problems(
    client: FlaskClient, token: dict[str, str], query: str
) -> None:
    problem = assert_problem(client.get(f"/api/v1/events?{query}", headers=token), 422)

    assert query.split("=", maxsplit=1)[0] in problem["errors"]["query"]


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_an_event_committed_late_is_never_passed_over(database: Database) -> None:
    """PostgreSQL hands out ids at insert: the earlier id may commit after a later one."""
    late = Session(database.engine)
    early_id = write_event(
        late, "customer.created", subject_type="customer", subject_id=1, sequence=1, payload={}
    ).event_id
    late.flush()  # the lower id is taken; its transaction has not committed yet
    with database.session() as quick:
        quick_id = write_event(
            quick, "customer.created", subject_type="customer", subject_id=2, sequence=1, payload={}
        ).event_id
    with database.session() as reader:
        first = event_page(reader, [WILDCARD], None, 100)
    assert first["items"] == []  # served once the older transaction has ended
    late.commit()
    late.close()
    with database.session() as reader:
        after = decode_cursor(first["next_cursor"], (int, int)) if first["next_cursor"] else None
        page = event_page(reader, [WILDCARD], after, 100)
    assert [item["event_id"] for item in page["items"]] == [early_id, quick_id]
