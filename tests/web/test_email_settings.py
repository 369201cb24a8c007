"""Admin email settings and a rep's own block list: validation, saving, blocking."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from core.activities.email import EmailPolicy, blocked_for, load_policy, save_policy
from core.db import Database
from core.models import Activity, ActivityRep, AuditEntry, utcnow
from tests.web.helpers import csrf_from, make_user, sign_in

ADMIN, REP = "admin@example.com", "rep@example.com"


@pytest.fixture
def users(database: Database) -> dict[str, int]:
    return {ADMIN: make_user(database, ADMIN, "admin"), REP: make_user(database, REP, "rep")}


def form(client: FlaskClient, url: str, **values: str) -> dict[str, str]:
    base = {"creation": "when_rep_wrote", "skip_automated": "y", "internal_domains": "",
            "blocked": ""}  # fmt: skip
    return {**base, **values, "csrf_token": csrf_from(client.get(url).text)}


def logged(database: Database, rep: int, n: int, address: str) -> int:
    with database.session() as session:
        activity = Activity(external_id=f"<{n}@m>", type="email", occurred_at=utcnow(),
                            participants=[{"email": address, "role": "to"}])  # fmt: skip
        session.add(activity)
        session.flush()
        session.add(ActivityRep(activity_id=activity.id, user_id=rep))
        return activity.id


def test_reps_cannot_open_the_admin_settings(client: FlaskClient, users: dict[str, int]) -> None:
    sign_in(client, REP)
    assert client.get("/email-settings").status_code == 403
    assert client.post("/email-settings", data={}).status_code in (400, 403)


def test_the_admin_saves_the_policy_and_it_is_audited(
    client: FlaskClient, database: Database, users: dict[str, int]
) -> None:
    sign_in(client, ADMIN)
    data = form(client, "/email-settings", internal_domains="Example.com\n\n@corp.example\n",
                creation="never", store_bodies="y")  # fmt: skip
    data.pop("skip_automated")

    response = client.post("/email-settings", data=data)

    assert response.status_code == 302
    with database.session() as session:
        policy = load_policy(session)
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert policy.internal_domains == {"example.com", "corp.example"}
    assert policy.creation == "never"
    assert (policy.skip_automated, policy.store_bodies) == (False, True)
    assert entry is not None
    assert entry.action == "email_settings.changed"
    page = client.get("/email-settings").text
    assert "The email settings were saved." in page
    assert 'value="never" checked' in page or 'checked id="creation-2"' in page
    assert "corp.example\nexample.com</textarea>" in page


def test_a_bad_line_is_named_next_to_its_field_and_nothing_is_saved(
    client: FlaskClient, database: Database, users: dict[str, int]
) -> None:
    sign_in(client, ADMIN)
    data = form(client, "/email-settings", internal_domains="example.com\nnot a domain",
                blocked="spam.example", creation="always")  # fmt: skip

    response = client.post("/email-settings", data=data)

    assert response.status_code == 400
    assert "Not a domain: “not a domain”." in response.text
    assert "field-invalid" in response.text
    with database.session() as session:
        assert load_policy(session) == EmailPolicy()
    data = form(client, "/email-settings", blocked="jane@\nexample")
    response = client.post("/email-settings", data=data)
    assert "Not an email address or a domain: “jane@”, “example”." in response.text
    assert client.post("/email-settings", data={**data, "csrf_token": ""}).status_code == 400


def test_blocking_removes_what_was_logged_and_unblocking_keeps_the_rest(
    client: FlaskClient, database: Database, users: dict[str, int]
) -> None:
    gone = logged(database, users[REP], 1, "jane@acme.example")
    kept = logged(database, users[REP], 2, "bob@other.example")
    sign_in(client, ADMIN)

    data = form(client, "/email-settings", blocked="@ACME.example\nx@y.example")
    response = client.post("/email-settings", data=data)

    assert response.status_code == 302
    assert "Blocking removed 1 logged email." in client.get("/email-settings").text
    with database.session() as session:
        assert session.get(Activity, gone) is None
        assert session.get(Activity, kept) is not None
        policy = load_policy(session)
    assert policy.blocked_domains == {"acme.example"}
    assert policy.blocked_addresses == {"x@y.example"}

    client.post("/email-settings", data=form(client, "/email-settings", blocked="x@y.example"))
    with database.session() as session:
        policy = load_policy(session)
    assert (policy.blocked_domains, policy.blocked_addresses) == (set(), {"x@y.example"})


def test_a_rep_s_own_block_list_touches_only_their_mail(
    client: FlaskClient, database: Database, users: dict[str, int]
) -> None:
    with database.session() as session:
        save_policy(session, EmailPolicy(internal_domains=frozenset({"example.com"})))
    mine = logged(database, users[REP], 1, "pat@vendor.example")
    someone_else = logged(database, users[ADMIN], 2, "pat@vendor.example")
    sign_in(client, REP)
    url = "/my-email-blocks"

    bad = client.post(url, data={"blocked": "nope", "csrf_token": csrf_from(client.get(url).text)})
    assert bad.status_code == 400
    assert "Not an email address or a domain: “nope”." in bad.text

    response = client.post(url, data={"blocked": "Pat@Vendor.example",
                                      "csrf_token": csrf_from(client.get(url).text)})  # fmt: skip

    assert response.status_code == 302
    page = client.get(url).text
    assert "Blocking removed 1 logged email." in page
    assert "pat@vendor.example</textarea>" in page
    with database.session() as session:
        assert session.get(Activity, mine) is None
        assert session.get(Activity, someone_else) is not None
        policy = load_policy(session)
        assert blocked_for(session, EmailPolicy(), users[REP]).addresses == {"pat@vendor.example"}
        assert blocked_for(session, EmailPolicy(), users[ADMIN]).addresses == frozenset()
    assert policy.blocked_addresses == frozenset()
    assert policy.internal_domains == {"example.com"}
