"""Customers over the REST API: listing with cursors, create, edit, merge, split, erase."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from core.db import Database
from core.identity import ingest_customer
from core.models import AuditEntry, Connector, Customer, OutboxEvent
from tests.waiting import wait_until
from tests.web.test_api import assert_problem, bearer, token_for
from web.api.api_source import api_connector_id

PEOPLE = [
    ("Ada", "Lovelace", "ada@analytical.example"),
    ("Grace", "Hopper", "grace@navy.example"),
    ("Alan", "Turing", "alan@bletchley.example"),
    ("Edsger", "Dijkstra", "edsger@eindhoven.example"),
    ("Barbara", "Liskov", "barbara@mit.example"),
    ("Donald", "Knuth", "don@stanford.example"),
    ("Margaret", "Hamilton", "margaret@apollo.example"),
]


@pytest.fixture
def admin(database: Database) -> dict[str, str]:
    return bearer(token_for(database, "admin", name="crm sync"))


@pytest.fixture
def rep(database: Database) -> dict[str, str]:
    return bearer(token_for(database, "rep", name="rep tool"))


def create(client: FlaskClient, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    response = client.post("/api/v1/customers", json=fields, headers=headers)
    assert response.status_code in (200, 201), response.text
    body: dict[str, Any] = response.get_json()
    return body


def person(client: FlaskClient, headers: dict[str, str], index: int) -> int:
    given, family, email = PEOPLE[index]
    body = create(client, headers, given_name=given, family_name=family, emails=[email])
    assert body["action"] == "created"
    return int(body["customer_id"])


def walk(
    client: FlaskClient, headers: dict[str, str], url: str, cursor: str = "", key: str = "cursor"
) -> list[dict[str, Any]]:
    """Every item of a cursor listing, following next_cursor while has_more."""
    items: list[dict[str, Any]] = []
    for _ in range(50):
        response = client.get(url + (f"&{key}={cursor}" if cursor else ""), headers=headers)
        assert response.status_code == 200, response.text
        page = response.get_json()
        items.extend(page["items"])
        cursor = page["next_cursor"]
        if not page["has_more"]:
            return items
    raise AssertionError("the listing never ended")


def test_create_makes_a_customer_and_a_retry_changes_nothing(
    client: FlaskClient, database: Database, rep: dict[str, str]
) -> None:
    fields = {"full_name": "Ada Lovelace", "emails": ["ada@analytical.example"]}

    first = client.post("/api/v1/customers", json={**fields, "external_id": "crm-1"}, headers=rep)
    again = client.post("/api/v1/customers", json={**fields, "external_id": "crm-1"}, headers=rep)

    assert first.status_code == 201
    assert again.status_code == 200
    made, repeated = first.get_json(), again.get_json()
    assert made["action"] == "created"
    assert repeated["action"] == "unchanged"
    assert repeated["customer_id"] == made["customer_id"]
    assert repeated["source_record_id"] == made["source_record_id"]
    assert first.headers["Location"].endswith(f"/api/v1/customers/{made['customer_id']}")
    assert made["customer"]["golden"]["full_name"]["value"] == "Ada Lovelace"
    with database.session() as session:
        assert session.scalars(select(Connector.kind)).all() == ["api"]
        assert session.scalar(select(Customer.full_name)) == "Ada Lovelace"
        events = session.scalars(select(OutboxEvent.type)).all()
        actors = session.scalars(select(AuditEntry.actor)).all()
    assert events == ["customer.created"]
    assert len(actors) == 2
    assert all(actor.startswith("api:rep tool (crm_") for actor in actors)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_of_two_concurrent_first_creates_only_one_is_201(
    client: FlaskClient, database: Database, rep: dict[str, str]
) -> None:
    """The second create read "not stored yet" before the first committed: still a 200."""
    create(client, rep, full_name="Someone Else")  # the api connector exists
    fields = {"full_name": "Ada Lovelace", "emails": ["ada@analytical.example"]}
    first = Session(database.engine)
    stored = ingest_customer(
        first,
        connector_id=api_connector_id(first),
        external_id="crm-7",
        raw={"fields": fields},
        mapped=fields,
    )  # holds crm-7's identity lock until it commits
    with ThreadPoolExecutor(1) as pool:
        second = pool.submit(
            client.post, "/api/v1/customers", json={**fields, "external_id": "crm-7"}, headers=rep
        )
        wait_until_a_session_waits_on_a_lock(database)
        first.commit()
        first.close()
        answered = second.result(timeout=60)

    assert stored.new_record is True
    assert answered.status_code == 200, answered.text
    assert answered.get_json()["source_record_id"] == stored.source_record_id
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Customer)) == 2


def wait_until_a_session_waits_on_a_lock(database: Database) -> None:
    """PostgreSQL's own view of sessions says when the request is blocked on the lock."""
    query = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE wait_event_type = 'Lock' AND datname = current_database()"
    )

    def waiting() -> bool:
        with database.engine.connect() as connection:
            return bool(connection.scalar(query))

    wait_until(waiting, message="no request ever waited on the first create's lock")


def test_create_without_external_id_links_to_the_matching_customer(
    client: FlaskClient, rep: dict[str, str]
) -> None:
    first = create(client, rep, full_name="Grace Hopper", emails=["grace@navy.example"])
    second = create(client, rep, full_name="Grace Hopper", emails=["grace@navy.example"])

    assert second["customer_id"] == first["customer_id"]
    assert second["external_id"] != first["external_id"]
    assert second["action"] == "linked"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"emails": ["not an email"]}, "emails"),
        ({"lifecycle_stage": "whale"}, "lifecycle_stage"),
        ({"favourite_colour": "blue"}, "favourite_colour"),
        ({"external_id": "only-an-id"}, "_schema"),
    ],
)
def test_create_refuses_invalid_fields(
    client: FlaskClient, rep: dict[str, str], body: dict[str, Any], field: str
) -> None:
    problem = assert_problem(client.post("/api/v1/customers", json=body, headers=rep), 422)

    assert field in problem["errors"]["json"]


def test_listing_walks_every_customer_once_across_pages(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    made = [person(client, admin, index) for index in range(len(PEOPLE))]

    items = walk(client, admin, "/api/v1/customers?limit=3")

    assert [item["id"] for item in items] == made
    assert items[0]["fields"]["emails"] == ["ada@analytical.example"]
    assert items[0]["primary_email"] == "ada@analytical.example"


def test_a_customer_changed_during_the_walk_comes_again_after_the_cursor(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    made = [person(client, admin, index) for index in range(5)]
    first = client.get("/api/v1/customers?limit=2", headers=admin).get_json()
    changed = client.patch(
        f"/api/v1/customers/{made[0]}", json={"job_title": "Countess"}, headers=admin
    )
    assert changed.status_code == 200

    rest = walk(client, admin, "/api/v1/customers?limit=2", first["next_cursor"])

    seen = [item["id"] for item in first["items"]] + [item["id"] for item in rest]
    assert seen == [*made, made[0]]
    assert rest[-1]["fields"]["job_title"] == "Countess"


def test_the_last_cursor_resumes_with_later_changes(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    person(client, admin, 0)
    end = client.get("/api/v1/customers", headers=admin).get_json()
    assert end["has_more"] is False

    later = person(client, admin, 1)
    resumed = client.get(f"/api/v1/customers?cursor={end['next_cursor']}", headers=admin)

    assert [item["id"] for item in resumed.get_json()["items"]] == [later]


def test_search_and_updated_since_filter_the_listing(
    client: FlaskClient, database: Database, admin: dict[str, str]
) -> None:
    ada, grace, alan = (person(client, admin, index) for index in range(3))
    with database.session() as session:
        grace_changed = session.get_one(Customer, grace).updated_at

    def ids(query: str) -> list[int]:
        response = client.get(f"/api/v1/customers?{query}", headers=admin)
        assert response.status_code == 200
        return [item["id"] for item in response.get_json()["items"]]

    assert ids("q=GRACE@navy.example") == [grace]
    assert ids("q=lovelace") == [ada]
    assert ids(f"updated_since={grace_changed.isoformat().replace('+00:00', 'Z')}") == [
        grace,
        alan,
    ]


@pytest.mark.parametrize(
    "query", ["cursor=garbage", "cursor=WzFd", "limit=0", "limit=201", "updated_since=yesterday"]
)
def test_bad_listing_parameters_are_422_problems(
    client: FlaskClient, admin: dict[str, str], query: str
) -> None:
    problem = assert_problem(client.get(f"/api/v1/customers?{query}", headers=admin), 422)

    assert query.split("=", maxsplit=1)[0] in problem["errors"]["query"]


def test_listing_needs_a_token(client: FlaskClient) -> None:
    assert_problem(client.get("/api/v1/customers"), 401)


def test_patch_pins_fields_and_null_unpins_them(
    client: FlaskClient, database: Database, admin: dict[str, str]
) -> None:
    ada = person(client, admin, 0)

    pinned = client.patch(
        f"/api/v1/customers/{ada}",
        json={"job_title": "Analyst", "emails": ["countess@lovelace.example"]},
        headers=admin,
    )
    unpinned = client.patch(f"/api/v1/customers/{ada}", json={"emails": None}, headers=admin)

    assert pinned.status_code == 200
    golden = pinned.get_json()["golden"]
    assert golden["job_title"]["value"] == "Analyst"
    assert golden["job_title"]["rule"] == "pinned"
    assert golden["emails"]["value"] == ["countess@lovelace.example"]
    assert unpinned.get_json()["golden"]["emails"]["value"] == ["ada@analytical.example"]
    with database.session() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "customer.fields_edited")
        ).first()
        updates = session.scalars(
            select(OutboxEvent)
            .where(OutboxEvent.type == "customer.updated")
            .order_by(OutboxEvent.id)
        ).all()
    assert entry is not None
    assert entry.details["pinned"] == ["emails", "job_title"]
    assert entry.actor.startswith("api:crm sync")
    # one edit, one event: the two-field PATCH is one version naming both fields
    assert [sorted(event.payload["changed"]) for event in updates] == [
        ["emails", "job_title"],
        ["emails"],
    ]


def test_patch_refusals(client: FlaskClient, admin: dict[str, str], rep: dict[str, str]) -> None:
    ada, grace = person(client, admin, 0), person(client, admin, 1)
    merged = client.post(f"/api/v1/customers/{ada}/merge", json={"from_id": grace}, headers=admin)
    assert merged.status_code == 200

    assert_problem(
        client.patch(f"/api/v1/customers/{ada}", json={"job_title": "x"}, headers=rep), 403
    )
    assert_problem(
        client.patch("/api/v1/customers/999", json={"job_title": "x"}, headers=admin), 404
    )
    gone = assert_problem(
        client.patch(f"/api/v1/customers/{grace}", json={"job_title": "x"}, headers=admin), 409
    )
    assert f"merged into customer {ada}" in gone["detail"]
    assert_problem(client.patch(f"/api/v1/customers/{ada}", json={}, headers=admin), 422)


def test_merge_then_unmerge(client: FlaskClient, admin: dict[str, str]) -> None:
    ada, grace = person(client, admin, 0), person(client, admin, 1)

    merged = client.post(f"/api/v1/customers/{ada}/merge", json={"from_id": grace}, headers=admin)
    loser = client.get(f"/api/v1/customers/{grace}", headers=admin).get_json()
    listed = client.get("/api/v1/customers", headers=admin).get_json()["items"]
    undone = client.post(
        f"/api/v1/customers/{ada}/unmerge", json={"merged_id": grace}, headers=admin
    )

    assert merged.status_code == 200
    assert len(merged.get_json()["source_records"]) == 2
    assert loser["merged_into_id"] == ada
    assert [item["id"] for item in listed] == [ada]
    assert undone.status_code == 200
    assert undone.get_json()["id"] == grace
    assert undone.get_json()["merged_into_id"] is None


def test_merge_refusals(client: FlaskClient, admin: dict[str, str]) -> None:
    ada = person(client, admin, 0)

    itself = client.post(f"/api/v1/customers/{ada}/merge", json={"from_id": ada}, headers=admin)
    unknown = client.post(f"/api/v1/customers/{ada}/merge", json={"from_id": 999}, headers=admin)
    never = client.post(f"/api/v1/customers/{ada}/unmerge", json={"merged_id": 999}, headers=admin)

    assert "itself" in assert_problem(itself, 409)["detail"]
    assert "999" in assert_problem(unknown, 404)["detail"]
    assert_problem(never, 409)
    assert_problem(client.post(f"/api/v1/customers/{ada}/merge", json={}, headers=admin), 422)


def test_split_takes_a_record_out_into_a_new_customer(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    ada, grace = person(client, admin, 0), person(client, admin, 1)
    merged = client.post(f"/api/v1/customers/{ada}/merge", json={"from_id": grace}, headers=admin)
    records = [record["id"] for record in merged.get_json()["source_records"]]

    split = client.post(
        f"/api/v1/customers/{ada}/split", json={"source_record_id": records[1]}, headers=admin
    )
    alone = client.post(
        f"/api/v1/customers/{ada}/split", json={"source_record_id": records[0]}, headers=admin
    )
    foreign = client.post(
        f"/api/v1/customers/{ada}/split", json={"source_record_id": records[1]}, headers=admin
    )

    assert split.status_code == 201
    new = split.get_json()
    assert new["id"] not in (ada, grace)
    assert [record["id"] for record in new["source_records"]] == [records[1]]
    assert "only record" in assert_problem(alone, 409)["detail"]
    assert_problem(foreign, 404)


def test_delete_without_erase_explains_that_deleting_erases(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    ada = person(client, admin, 0)

    problem = assert_problem(client.delete(f"/api/v1/customers/{ada}", headers=admin), 400)

    assert "erase=true" in problem["detail"]
    assert client.get(f"/api/v1/customers/{ada}", headers=admin).status_code == 200


def test_erase_is_for_admin_tokens(client: FlaskClient, rep: dict[str, str]) -> None:
    assert_problem(client.delete("/api/v1/customers/1?erase=true", headers=rep), 403)


def test_erase_removes_the_customer_and_is_audited(
    client: FlaskClient, database: Database, admin: dict[str, str]
) -> None:
    ada = person(client, admin, 0)

    response = client.delete(f"/api/v1/customers/{ada}?erase=true", headers=admin)
    missing = client.delete("/api/v1/customers/999?erase=true", headers=admin)

    assert response.status_code == 200, response.text
    body = response.get_json()
    assert body["customer_id"] == ada
    assert body["erased"] is True
    assert isinstance(body["summary"], dict)
    assert_problem(missing, 404)
    with database.session() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "customer.erased")
        ).one()
        emails = session.scalars(select(Customer.primary_email)).all()
    assert entry.target == f"customer {ada}"
    assert "ada@analytical.example" not in emails


def test_submitting_an_erased_person_again_stores_nothing(
    client: FlaskClient, database: Database, admin: dict[str, str]
) -> None:
    ada = person(client, admin, 0)
    client.delete(f"/api/v1/customers/{ada}?erase=true", headers=admin)

    again = client.post(
        "/api/v1/customers",
        json={"full_name": "Ada Lovelace", "emails": ["ada@analytical.example"]},
        headers=admin,
    )

    assert again.status_code == 200, again.text
    assert again.get_json()["action"] == "suppressed"
    assert again.get_json()["customer_id"] is None
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Customer)) == 0


def test_erasing_a_merged_away_customer_is_refused(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    ada, grace = person(client, admin, 0), person(client, admin, 1)
    client.post(f"/api/v1/customers/{ada}/merge", json={"from_id": grace}, headers=admin)

    problem = assert_problem(
        client.delete(f"/api/v1/customers/{grace}?erase=true", headers=admin), 409
    )

    assert "merged" in problem["detail"]


def test_customer_ids_beyond_32_bits_are_not_found(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    assert_problem(client.get("/api/v1/customers/99999999999", headers=admin), 404)


def test_nul_characters_are_refused_before_the_database(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    created = client.post("/api/v1/customers", json={"full_name": "A\u0000B"}, headers=admin)
    searched = client.get("/api/v1/customers", query_string={"q": "x\x00"}, headers=admin)

    assert "full_name" in assert_problem(created, 422)["errors"]["json"]
    assert "q" in assert_problem(searched, 422)["errors"]["query"]
