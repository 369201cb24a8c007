"""Customer pages: search, the record with its lineage and links, and admin changes."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from core.accounts import create_api_token
from core.db import Database
from core.identity import IdentityOptions, ingest_batch, merge_customers
from core.models import ActivityRep, AuditEntry, Customer, SourceRecord, utcnow
from tests.web.customer_data import (
    KATE,
    Katherine,
    activity,
    connector,
    katherine,
    person,
)
from tests.web.helpers import csrf_from, make_user, sign_in

ADMIN = "ada@example.com"
# The thresholds identity resolution runs with, as the explanations must show them.
AUTO_LINK = IdentityOptions().auto_link_threshold
REVIEW = IdentityOptions().review_threshold
REP = "rita@example.com"


@pytest.fixture
def admin_client(client: FlaskClient, database: Database) -> FlaskClient:
    make_user(database, ADMIN, "admin")
    sign_in(client, ADMIN)
    return client


@pytest.fixture
def rep_client(client: FlaskClient, database: Database) -> FlaskClient:
    make_user(database, REP, "rep")
    sign_in(client, REP)
    return client


@pytest.fixture
def kj(database: Database) -> Katherine:
    return katherine(database)


def listed_ids(html: str) -> list[int]:
    """Customer ids linked from the list's table, in order."""
    table = html.split('<table class="table customers-table">', 1)[1].split("</table>", 1)[0]
    return [int(found) for found in re.findall(r'href="/customers/(\d+)"', table)]


def post_form(client: FlaskClient, page: str, action: str, **data: object) -> str:
    """Post a form of ``page`` with its CSRF token; returns the page it redirects to."""
    token = csrf_from(client.get(page).text)
    response = client.post(action, data={"csrf_token": token, **data})
    assert response.status_code == 302, response.text
    assert response.headers["Location"] == page
    return client.get(page).text


def audit_entries(database: Database, action: str) -> list[AuditEntry]:
    with database.session() as session:
        query = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        return list(session.scalars(query))


# The list and its search


def test_the_list_needs_a_signed_in_user(client: FlaskClient) -> None:
    response = client.get("/customers")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/customers")


def test_a_rep_sees_every_column(rep_client: FlaskClient, kj: Katherine) -> None:
    page = rep_client.get("/customers").text

    row = page.split(f'href="/customers/{kj.customer_id}"', 1)[1].split("</tr>", 1)[0]
    assert ">Katherine Johnson</a>" in row
    assert "katherine.johnson@nasa.gov" in row
    assert "+1 757-555-0100" in row
    assert "<td>NASA</td>" in row
    assert '<td class="num">3</td>' in row
    assert " UTC" in row
    assert "1 customer" in page


def test_an_email_finds_the_customer_through_its_identity_keys(
    rep_client: FlaskClient, database: Database, kj: Katherine
) -> None:
    other = person(database, kj.mail_connector, "msg-9", full_name="Ann Lee", emails=["ann@x.io"])

    # Not the primary email: only the identity key of the first record has it.
    found = listed_ids(rep_client.get("/customers?q=KJ@NASA.gov").text)
    partial = listed_ids(rep_client.get("/customers?q=@x.io").text)
    missing = rep_client.get("/customers?q=nobody@nasa.gov").text

    assert found == [kj.customer_id]
    assert partial == [other]
    assert listed_ids(missing) == []
    assert "No customer matches “nobody@nasa.gov”." in missing


def test_a_gmail_alias_finds_the_same_person(rep_client: FlaskClient, database: Database) -> None:
    source = connector(database, "gmail", "Mailbox")
    ann = person(database, source, "m-1", full_name="Ann Lee", emails=["annlee@gmail.com"])

    assert listed_ids(rep_client.get("/customers?q=Ann.Lee%2Bnews@googlemail.com").text) == [ann]


@pytest.mark.parametrize("query", ["+1 (757) 555-0100", "+17575550100", "757.555.0100"])
def test_a_phone_number_in_any_spelling_finds_the_customer(
    rep_client: FlaskClient, database: Database, kj: Katherine, query: str
) -> None:
    person(database, kj.mail_connector, "msg-9", full_name="Bo Other", phones=["+1 757 555 0199"])

    page = rep_client.get("/customers", query_string={"q": query}).text

    assert listed_ids(page) == [kj.customer_id]


def test_words_match_names_and_companies_whatever_the_case(
    rep_client: FlaskClient, database: Database, kj: Katherine
) -> None:
    jurgen = person(
        database,
        kj.mail_connector,
        "msg-7",
        full_name="Jürgen Öztürk",
        emails=["jo@beispiel.de"],
        company_name="Beispiel GmbH",
    )

    assert listed_ids(rep_client.get("/customers?q=johnSON").text) == [kj.customer_id]
    assert listed_ids(rep_client.get("/customers?q=nasa").text) == [kj.customer_id]
    assert listed_ids(rep_client.get("/customers?q=katherine nasa").text) == [kj.customer_id]
    assert listed_ids(rep_client.get("/customers?q=ÖZTÜRK").text) == [jurgen]
    assert listed_ids(rep_client.get("/customers?q=ozturk").text) == [jurgen]
    assert listed_ids(rep_client.get("/customers?q=beispiel").text) == [jurgen]
    assert listed_ids(rep_client.get("/customers?q=katherine beispiel").text) == []
    assert listed_ids(rep_client.get("/customers?q=%25").text) == []


def test_an_id_finds_that_customer(rep_client: FlaskClient, kj: Katherine) -> None:
    assert listed_ids(rep_client.get(f"/customers?q=%23{kj.customer_id}").text) == [kj.customer_id]


def test_the_list_is_paginated(rep_client: FlaskClient, database: Database) -> None:
    source = connector(database, "csvimport", "People")
    items = [
        (f"row-{n}", {}, {"full_name": f"Person {n:02d} Tester", "emails": [f"p{n}@ex.com"]})
        for n in range(30)
    ]
    ingest_batch(database, source, items)

    first = rep_client.get("/customers").text
    second = rep_client.get("/customers?page=2").text

    assert len(listed_ids(first)) == 25
    assert len(listed_ids(second)) == 5
    assert set(listed_ids(first)).isdisjoint(listed_ids(second))
    assert "Page 1 of 2" in first
    assert 'href="/customers?page=2"' in first
    assert rep_client.get("/customers?page=3").status_code == 404
    assert rep_client.get("/customers?page=0").status_code == 404


# One customer's page


def test_the_page_shows_each_value_with_its_source(rep_client: FlaskClient, kj: Katherine) -> None:
    page = rep_client.get(f"/customers/{kj.customer_id}").text

    golden = page.split('id="golden"', 1)[1].split("</section>", 1)[0]
    job = golden.split(">Job title</th>", 1)[1].split("</tr>", 1)[0]
    assert "Mathematician" in job
    assert "Ada&#39;s mailbox" in job
    assert '<span class="kind">gmail</span> <code>msg-1</code>' in job
    assert "most recent · changed" in job
    emails = golden.split(">Emails</th>", 1)[1].split("</tbody>", 1)[0]
    assert "kj@nasa.gov" in emails
    assert '<span class="kind">zendesk</span> <code>ticket-9</code>' in emails
    assert "all sources" in emails


def test_the_page_lists_sources_and_why_each_was_linked(
    rep_client: FlaskClient, database: Database, kj: Katherine
) -> None:
    with database.session() as session:
        stored = session.get(SourceRecord, kj.desk_id)
        assert stored is not None
        total = stored.link_explanation["total"]

    page = rep_client.get(f"/customers/{kj.customer_id}").text

    sources = page.split('id="sources"', 1)[1].split("</section>", 1)[0]
    first = sources.split(f'id="record-{kj.mail_id}"', 1)[1].split("</article>", 1)[0]
    scored = sources.split(f'id="record-{kj.desk_id}"', 1)[1].split("</article>", 1)[0]
    phone = sources.split(f'id="record-{kj.phone_record_id}"', 1)[1].split("</article>", 1)[0]
    assert "Started this customer" in first
    assert "Support desk" in scored
    assert f"Linked by score: {total:.1f} bits" in scored
    assert f"auto-link threshold of {AUTO_LINK:.1f}" in scored
    for label in ("Family name", "Given name", "Postal code", "City", "Company", "Email"):
        assert f"<td>{label}</td>" in scored
    assert "different" in scored
    assert f"Total {total:.1f} bits" in scored
    assert f"review from {REVIEW:.1f}" in scored
    assert "same phone number" in phone
    assert "phone +17575550100" in phone


def test_the_timeline_is_newest_first_and_keeps_private_subjects_private(
    rep_client: FlaskClient, database: Database, kj: Katherine
) -> None:
    now = utcnow()
    activity(database, kj.customer_id, "a-1", "call", "Launch window", now - timedelta(days=3))
    activity(database, kj.customer_id, "a-2", "email", "Re: orbit", now, direction="inbound")
    activity(
        database,
        kj.customer_id,
        "a-3",
        "email",
        "Salary talk",
        now - timedelta(days=1),
        private="rep",
    )

    page = rep_client.get(f"/customers/{kj.customer_id}").text

    timeline = page.split('id="activity"', 1)[1].split("</section>", 1)[0]
    assert timeline.index("Re: orbit") < timeline.index("Private conversation")
    assert timeline.index("Private conversation") < timeline.index("Launch window")
    assert "Salary talk" not in timeline
    assert "← inbound" in timeline
    assert ">Call<" in timeline


def test_a_private_activity_shows_to_its_own_rep(
    client: FlaskClient, database: Database, kj: Katherine
) -> None:
    rep = make_user(database, REP, "rep")
    sign_in(client, REP)
    private = activity(
        database, kj.customer_id, "a-3", "email", "Salary talk", utcnow(), private="rep"
    )
    with database.session() as session:
        session.add(ActivityRep(activity_id=private, user_id=rep))

    assert "Salary talk" in client.get(f"/customers/{kj.customer_id}").text


def test_no_activity_shows_an_empty_state(rep_client: FlaskClient, kj: Katherine) -> None:
    page = rep_client.get(f"/customers/{kj.customer_id}").text

    assert "No emails, calls, tickets or other activity yet." in page


def test_an_unknown_customer_is_404(rep_client: FlaskClient) -> None:
    assert rep_client.get("/customers/999").status_code == 404


def test_a_merged_customer_redirects_to_the_survivor(
    rep_client: FlaskClient, database: Database, kj: Katherine
) -> None:
    kate = person(database, kj.desk_connector, "ticket-10", **KATE)
    third = person(database, kj.desk_connector, "ticket-11", full_name="Zed Zulu")
    with database.session() as session:
        merge_customers(session, kate, third, actor=ADMIN)
        merge_customers(session, kj.customer_id, kate, actor=ADMIN)

    response = rep_client.get(f"/customers/{third}")

    assert response.status_code == 302
    assert response.headers["Location"] == f"/customers/{kj.customer_id}"
    notice = rep_client.get(response.headers["Location"]).text
    assert f"Customer #{third} was merged into customer #{kj.customer_id}" in notice


# Admin changes


def test_an_admin_merges_through_the_form(
    admin_client: FlaskClient, database: Database, kj: Katherine
) -> None:
    kate = person(database, kj.desk_connector, "ticket-10", **KATE)
    page = f"/customers/{kj.customer_id}"
    picker = admin_client.get(page, query_string={"merge_q": "kate"}).text
    assert f'name="loser_id" value="{kate}"' in picker
    assert f'name="loser_id" value="{kj.customer_id}"' not in picker

    after = post_form(admin_client, page, f"{page}/merge", loser_id=kate)

    assert f"Customer #{kate} was merged into this customer." in after
    assert "ticket-10" in after
    assert f"Customer #{kate}</a> merged into this one" in after
    with database.session() as session:
        loser = session.get(Customer, kate)
        assert loser is not None
        assert loser.merged_into_id == kj.customer_id
    [entry] = audit_entries(database, "customer.merged")
    assert (entry.actor, entry.target) == (ADMIN, f"customer {kj.customer_id}")
    assert entry.details == {"winner_id": kj.customer_id, "loser_id": kate}


def test_an_admin_undoes_a_merge(
    admin_client: FlaskClient, database: Database, kj: Katherine
) -> None:
    kate = person(database, kj.desk_connector, "ticket-10", **KATE)
    page = f"/customers/{kj.customer_id}"
    post_form(admin_client, page, f"{page}/merge", loser_id=kate)

    after = post_form(admin_client, page, f"{page}/unmerge", loser_id=kate)

    assert f"customer #{kate} is separate again" in after
    assert "Undone" in after
    with database.session() as session:
        loser = session.get(Customer, kate)
        assert loser is not None
        assert loser.merged_into_id is None
        back = session.scalars(
            select(SourceRecord.customer_id).where(SourceRecord.external_id == "ticket-10")
        )
        assert back.one() == kate
    [entry] = audit_entries(database, "customer.unmerged")
    assert entry.details == {"winner_id": kj.customer_id, "loser_id": kate}
    assert admin_client.get(f"/customers/{kate}").status_code == 200


def test_an_admin_splits_a_record_out(
    admin_client: FlaskClient, database: Database, kj: Katherine
) -> None:
    page = f"/customers/{kj.customer_id}"

    after = post_form(admin_client, page, f"{page}/split", source_record_id=kj.phone_record_id)

    with database.session() as session:
        record = session.get(SourceRecord, kj.phone_record_id)
        assert record is not None
        new_id = record.customer_id
        assert new_id not in (None, kj.customer_id)
    assert f"split out into the new customer #{new_id}" in after
    assert f'id="record-{kj.phone_record_id}"' not in after
    [entry] = audit_entries(database, "customer.record_split")
    assert entry.details == {"source_record_id": kj.phone_record_id, "new_customer_id": new_id}
    split_page = admin_client.get(f"/customers/{new_id}").text
    assert f"Split out of customer #{kj.customer_id} by {ADMIN}." in split_page


def test_a_single_record_customer_offers_no_split(
    admin_client: FlaskClient, database: Database, kj: Katherine
) -> None:
    kate = person(database, kj.desk_connector, "ticket-10", **KATE)

    assert "Split out</button>" in admin_client.get(f"/customers/{kj.customer_id}").text
    assert "Split out</button>" not in admin_client.get(f"/customers/{kate}").text


def test_an_admin_pins_and_unpins_a_value(
    admin_client: FlaskClient, database: Database, kj: Katherine
) -> None:
    page = f"/customers/{kj.customer_id}"

    pinned = post_form(
        admin_client, page, f"{page}/pin", field_name="job_title", value="Chief scientist"
    )

    job = pinned.split(">Job title</th>", 1)[1].split("</tr>", 1)[0]
    assert "Chief scientist" in job
    assert "Pinned" in job
    assert f"by {ADMIN}" in job
    [entry] = audit_entries(database, "customer.field_pinned")
    assert entry.details == {"field": "job_title", "value": "Chief scientist"}

    phones = post_form(
        admin_client,
        page,
        f"{page}/pin",
        field_name="phones",
        value="+1 757 555 0111, +1 757 555 0100",
    )
    assert "+1 757-555-0111" in phones.split(">Phones</th>", 1)[1].split("</tr>", 1)[0]

    unpinned = post_form(admin_client, page, f"{page}/unpin", field_name="job_title")
    job = unpinned.split(">Job title</th>", 1)[1].split("</tr>", 1)[0]
    assert "Mathematician" in job
    assert "Pinned" not in job
    assert len(audit_entries(database, "customer.field_unpinned")) == 1


@pytest.mark.parametrize(
    ("action", "data", "message"),
    [
        ("merge", {"loser_id": "SELF"}, "A customer cannot be merged into itself."),
        ("merge", {"loser_id": "999"}, "Customer 999 does not exist."),
        ("merge", {"loser_id": "abc"}, "Customer id: Not a valid integer value."),
        ("unmerge", {"loser_id": "999"}, "Customer 999 is not merged into this customer."),
        ("split", {"source_record_id": "999"}, "Source record 999 is not linked to this customer."),
        ("pin", {"field_name": "job_title", "value": ""}, "Value: Give the value to keep."),
        ("pin", {"field_name": "password", "value": "x"}, "Field: Not a valid choice."),
    ],
)
def test_refusals_are_shown_as_messages(
    admin_client: FlaskClient,
    database: Database,
    kj: Katherine,
    action: str,
    data: dict[str, str],
    message: str,
) -> None:
    page = f"/customers/{kj.customer_id}"
    data = {key: str(kj.customer_id) if value == "SELF" else value for key, value in data.items()}

    after = post_form(admin_client, page, f"{page}/{action}", **data)

    assert f'<div class="notice notice-error" role="status">{message}</div>' in after
    with database.session() as session:
        actions = session.scalars(select(AuditEntry.action)).all()
    assert [name for name in actions if name.startswith("customer.")] == []


def test_splitting_the_last_record_is_refused(
    admin_client: FlaskClient, database: Database, kj: Katherine
) -> None:
    kate = person(database, kj.desk_connector, "ticket-10", **KATE)
    with database.session() as session:
        record = session.scalars(select(SourceRecord.id).where(SourceRecord.customer_id == kate))
        record_id = record.one()
    page = f"/customers/{kate}"

    after = post_form(admin_client, page, f"{page}/split", source_record_id=record_id)

    assert "is the only record of customer" in after
    assert audit_entries(database, "customer.record_split") == []


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("merge", {"loser_id": "2"}),
        ("unmerge", {"loser_id": "2"}),
        ("split", {"source_record_id": "1"}),
        ("pin", {"field_name": "job_title", "value": "x"}),
        ("unpin", {"field_name": "job_title"}),
    ],
)
def test_a_rep_cannot_change_a_customer(
    rep_client: FlaskClient, kj: Katherine, action: str, data: dict[str, str]
) -> None:
    page = rep_client.get(f"/customers/{kj.customer_id}").text
    assert "Merge another customer" not in page
    assert "Split out</button>" not in page
    assert "Pin a value" not in page

    response = rep_client.post(
        f"/customers/{kj.customer_id}/{action}", data={"csrf_token": csrf_from(page), **data}
    )

    assert response.status_code == 403


def test_a_form_without_its_csrf_token_is_refused(
    admin_client: FlaskClient, database: Database, kj: Katherine
) -> None:
    kate = person(database, kj.desk_connector, "ticket-10", **KATE)

    response = admin_client.post(f"/customers/{kj.customer_id}/merge", data={"loser_id": kate})

    assert response.status_code == 400
    assert "This form has expired" in response.text
    with database.session() as session:
        loser = session.get(Customer, kate)
        assert loser is not None
        assert loser.merged_into_id is None


def test_navigation_links_customers_for_everyone(rep_client: FlaskClient, kj: Katherine) -> None:
    page = rep_client.get(f"/customers/{kj.customer_id}").text

    assert '<a href="/customers" class="active">Customers' in page
    assert 'href="/review"' not in page
    assert 'href="/imports"' not in page


# The API


def bearer(database: Database, role: str = "rep") -> dict[str, str]:
    with database.session() as session:
        return {"Authorization": f"Bearer {create_api_token(session, 'crm', role)[1]}"}


def test_the_api_returns_the_golden_record_with_lineage_and_links(
    client: FlaskClient, database: Database, kj: Katherine
) -> None:
    response = client.get(f"/api/v1/customers/{kj.customer_id}", headers=bearer(database))

    assert response.status_code == 200
    body = response.get_json()
    assert (body["id"], body["merged_into_id"]) == (kj.customer_id, None)
    job = body["golden"]["job_title"]
    assert (job["value"], job["rule"], job["source_record_id"]) == (
        "Mathematician",
        "most_recent",
        kj.mail_id,
    )
    assert job["source"] == {
        "connector_id": kj.mail_connector,
        "connector_kind": "gmail",
        "connector_name": "Ada's mailbox",
        "external_id": "msg-1",
    }
    assert body["golden"]["emails"]["sources"]["kj@nasa.gov"] == kj.mail_id
    records = {record["id"]: record for record in body["source_records"]}
    assert set(records) == {kj.mail_id, kj.desk_id, kj.phone_record_id}
    scored = records[kj.desk_id]
    assert (scored["connector_name"], scored["external_id"]) == ("Support desk", "ticket-9")
    link = scored["link"]
    assert link["rule"] == "probabilistic"
    assert link["thresholds"] == {"auto_link": AUTO_LINK, "review": REVIEW}
    assert link["fields"]["family_name"]["level"] == "exact"
    assert link["total"] == pytest.approx(sum(f["weight"] for f in link["fields"].values()), 0.01)
    assert link["summary"].startswith("Linked by score:")
    phone = records[kj.phone_record_id]["link"]
    assert (phone["rule"], phone["keys"]) == ("phone", ["phone:+17575550100"])
    assert records[kj.mail_id]["fields"]["emails"] == ["kj@nasa.gov"]


def test_the_api_answers_an_unknown_customer_with_a_404_problem(
    client: FlaskClient, database: Database
) -> None:
    response = client.get("/api/v1/customers/999", headers=bearer(database))

    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    body = response.get_json(force=True)
    assert (body["status"], body["title"]) == (404, "Not Found")
    assert body["detail"] == "Customer 999 does not exist."


def test_the_api_needs_a_token(client: FlaskClient, kj: Katherine) -> None:
    response = client.get(f"/api/v1/customers/{kj.customer_id}")

    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


def test_the_openapi_document_describes_the_customer(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()

    operation = spec["paths"]["/api/v1/customers/{customer_id}"]["get"]
    assert operation["security"] == [{"bearerAuth": []}]
    assert {"200", "401", "404"} <= set(operation["responses"])
    schemas = spec["components"]["schemas"]
    assert "golden" in schemas["Customer"]["properties"]
    assert "link" in schemas["SourceRecord"]["properties"]
    assert "thresholds" in schemas["Link"]["properties"]
