"""Admin-only pages: the audit log and users; reps are refused with 403."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from core import audit
from core.db import Database
from core.models import AuditEntry, User
from tests.web.helpers import PASSWORD, csrf_from, make_user, sign_in

ADMIN_PAGES = ("/users", "/audit-log")


@pytest.fixture
def admin_client(client: FlaskClient, database: Database) -> FlaskClient:
    make_user(database, "ada@example.com", "admin")
    sign_in(client, "ada@example.com")
    return client


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_rep_gets_403(client: FlaskClient, database: Database, path: str) -> None:
    make_user(database, "rita@example.com", "rep")
    sign_in(client, "rita@example.com")

    response = client.get(path)

    assert response.status_code == 403
    assert "does not have access" in response.text


def test_rep_navigation_hides_admin_pages(client: FlaskClient, database: Database) -> None:
    make_user(database, "rita@example.com", "rep")
    sign_in(client, "rita@example.com")

    page = client.get("/").text

    assert 'href="/users"' not in page
    assert 'href="/audit-log"' not in page
    assert "Rep" in page


def test_admin_navigation_links_admin_pages(admin_client: FlaskClient) -> None:
    page = admin_client.get("/").text

    assert 'href="/users"' in page
    assert 'href="/audit-log"' in page
    assert "ada@example.com" in page or ">ada<" in page


def test_admin_creates_a_user_who_can_sign_in(
    admin_client: FlaskClient, database: Database
) -> None:
    token = csrf_from(admin_client.get("/users").text)
    form = {"email": "rita@example.com", "name": "Rita", "role": "rep", "password": PASSWORD}

    response = admin_client.post("/users", data={**form, "csrf_token": token})

    assert response.status_code == 302
    assert "User rita@example.com created." in admin_client.get("/users").text
    with database.session() as session:
        created = session.scalars(select(User).where(User.email == "rita@example.com")).one()
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "user.created")).one()
    assert created.role == "rep"
    assert (entry.actor, entry.target, entry.details) == (
        "ada@example.com",
        "rita@example.com",
        {"role": "rep"},
    )
    other = admin_client.application.test_client()
    assert sign_in(other, "rita@example.com").status_code == 302


def test_duplicate_user_is_refused_with_a_message(
    admin_client: FlaskClient, database: Database
) -> None:
    token = csrf_from(admin_client.get("/users").text)
    form = {"email": "ada@example.com", "role": "admin", "password": PASSWORD}

    response = admin_client.post("/users", data={**form, "csrf_token": token})

    assert response.status_code == 400
    assert "A user with the email ada@example.com already exists." in response.text
    with database.session() as session:
        assert session.scalars(select(AuditEntry.action)).all() == ["auth.sign_in"]


def test_unknown_role_is_refused(admin_client: FlaskClient, database: Database) -> None:
    token = csrf_from(admin_client.get("/users").text)
    form = {"email": "x@example.com", "role": "root", "password": PASSWORD, "csrf_token": token}

    response = admin_client.post("/users", data=form)

    assert response.status_code == 400
    with database.session() as session:
        assert session.scalar(select(User).where(User.email == "x@example.com")) is None


def test_audit_log_is_newest_first_and_paginated(
    admin_client: FlaskClient, database: Database
) -> None:
    with database.session() as session:
        for number in range(60):
            audit.record(session, "ada@example.com", "test.action", target=f"item-{number:02d}")

    first = admin_client.get("/audit-log").text
    second = admin_client.get("/audit-log?page=2").text

    first_targets = re.findall(r"item-\d\d", first)
    assert first_targets[:2] == ["item-59", "item-58"]
    assert len(first_targets) == 50
    assert "Page 1 of 2" in first
    assert re.findall(r"item-\d\d", second)[-1] == "item-00"
    assert "auth.sign_in" in second
    assert admin_client.get("/audit-log?page=3").status_code == 404


@pytest.mark.parametrize("path", ["/customers", "/audit-log"])
def test_a_page_number_past_any_offset_is_a_404_not_a_crash(
    admin_client: FlaskClient, path: str
) -> None:
    assert admin_client.get(f"{path}?page=99999999999999999999").status_code == 404
    assert admin_client.get(f"{path}?page=-3").status_code == 404
