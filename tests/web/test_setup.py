"""The single-use first-admin setup link that `crmhub run` prints."""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from core.accounts import issue_setup_token
from core.db import Database
from core.models import AuditEntry, User, utcnow
from tests.web.helpers import PASSWORD, csrf_from, session_user_id

FORM = {"email": "Admin@Example.com", "name": "Ada Admin", "password": PASSWORD}


def issue(database: Database, age: timedelta = timedelta(0)) -> str:
    with database.session() as session:
        return issue_setup_token(session, now=utcnow() - age)


def submit(client: FlaskClient, token: str, **changes: str) -> TestResponse:
    csrf = csrf_from(client.get(f"/setup/{token}").text)
    data = {**FORM, "confirm": FORM["password"], "csrf_token": csrf, **changes}
    return client.post(f"/setup/{token}", data=data)


def test_valid_link_creates_the_admin_and_signs_in(client: FlaskClient, database: Database) -> None:
    token = issue(database)

    page = client.get(f"/setup/{token}")
    response = submit(client, token)

    assert page.status_code == 200
    assert "Create the administrator" in page.text
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    with database.session() as session:
        admin = session.scalars(select(User)).one()
        audit = session.scalars(select(AuditEntry)).one()
    assert (admin.email, admin.role, admin.name) == ("admin@example.com", "admin", "Ada Admin")
    assert (audit.action, audit.actor, audit.actor_id) == ("setup.completed", admin.email, admin.id)
    assert session_user_id(client) == str(admin.id)
    assert "Your administrator account is ready." in client.get("/").text


def test_used_link_is_no_longer_valid(client: FlaskClient, database: Database) -> None:
    token = issue(database)
    submit(client, token)
    other = client.application.test_client()

    response = other.get(f"/setup/{token}")

    assert response.status_code == 404
    assert "no longer valid" in response.text
    with database.session() as session:
        assert len(session.scalars(select(User)).all()) == 1


def test_expired_link_is_no_longer_valid(client: FlaskClient, database: Database) -> None:
    token = issue(database, age=timedelta(hours=25))

    response = client.get(f"/setup/{token}")

    assert response.status_code == 404
    assert "no longer valid" in response.text


def test_made_up_link_is_no_longer_valid(client: FlaskClient) -> None:
    response = client.get("/setup/setup_not-a-real-token")

    assert response.status_code == 404
    assert "no longer valid" in response.text


def test_link_expiring_between_form_and_submit_creates_nobody(
    client: FlaskClient, database: Database
) -> None:
    token = issue(database)
    csrf = csrf_from(client.get(f"/setup/{token}").text)
    issue(database)  # a newer link retires this one

    response = client.post(
        f"/setup/{token}",
        data={**FORM, "confirm": FORM["password"], "csrf_token": csrf},
    )

    assert response.status_code == 404
    with database.session() as session:
        assert session.scalars(select(User)).all() == []


def test_mismatched_passwords_keep_the_form_open(client: FlaskClient, database: Database) -> None:
    token = issue(database)

    response = submit(client, token, confirm="a different long password")

    assert response.status_code == 400
    assert "The passwords differ." in response.text
    assert session_user_id(client) is None
    assert client.get(f"/setup/{token}").status_code == 200


def test_invalid_email_is_explained(client: FlaskClient, database: Database) -> None:
    token = issue(database)

    response = submit(client, token, email="not-an-address")

    assert response.status_code == 400
    assert "Not a valid email address" in response.text
    with database.session() as session:
        assert session.scalars(select(User)).all() == []


def test_short_password_is_refused(client: FlaskClient, database: Database) -> None:
    token = issue(database)

    response = submit(client, token, password="short", confirm="short")

    assert response.status_code == 400
    assert "Use at least 12 characters." in response.text
