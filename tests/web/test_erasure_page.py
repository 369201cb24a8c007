"""The "Erase customer" button: admins only, typed confirmation, CSRF, audited."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from core.db import Database
from core.models import AuditEntry, Customer, OutboxEvent, Suppression
from tests.web.customer_data import Katherine, katherine
from tests.web.helpers import csrf_from, make_user, sign_in

ADMIN = "ada@example.com"
REP = "rita@example.com"


@pytest.fixture
def kj(database: Database) -> Katherine:
    return katherine(database)


def _sign_in(client: FlaskClient, database: Database, email: str, role: str) -> FlaskClient:
    make_user(database, email, role)
    sign_in(client, email)
    return client


def _erase(client: FlaskClient, customer_id: int, confirm: str) -> tuple[str, str]:
    """Post the erase form from the customer page; (redirect target, page shown there)."""
    page = f"/customers/{customer_id}"
    token = csrf_from(client.get(page).text)
    response = client.post(f"{page}/erase", data={"csrf_token": token, "confirm": confirm})
    assert response.status_code == 302, response.text
    target = response.headers["Location"]
    return target, client.get(target).text


def _exists(database: Database, customer_id: int) -> bool:
    with database.session() as session:
        return session.get(Customer, customer_id) is not None


def _count(database: Database, model: type) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_an_admin_sees_the_button_and_a_rep_does_not(
    client: FlaskClient, database: Database, kj: Katherine
) -> None:
    admin = _sign_in(client, database, ADMIN, "admin")
    page = admin.get(f"/customers/{kj.customer_id}").text
    assert f'action="/customers/{kj.customer_id}/erase"' in page
    assert "Erase customer</button>" in page
    admin.post("/logout", data={"csrf_token": csrf_from(page)})
    rep = _sign_in(client, database, REP, "rep")
    assert "/erase" not in rep.get(f"/customers/{kj.customer_id}").text


def test_a_rep_is_refused(client: FlaskClient, database: Database, kj: Katherine) -> None:
    rep = _sign_in(client, database, REP, "rep")
    token = csrf_from(rep.get(f"/customers/{kj.customer_id}").text)
    response = rep.post(
        f"/customers/{kj.customer_id}/erase",
        data={"csrf_token": token, "confirm": str(kj.customer_id)},
    )
    assert response.status_code == 403
    assert _exists(database, kj.customer_id)


def test_a_confirmation_that_does_not_match_erases_nothing(
    client: FlaskClient, database: Database, kj: Katherine
) -> None:
    admin = _sign_in(client, database, ADMIN, "admin")
    target, page = _erase(admin, kj.customer_id, "Kate Johnson")
    assert target == f"/customers/{kj.customer_id}"
    assert "Nothing was erased" in page
    assert _exists(database, kj.customer_id)
    assert _count(database, Suppression) == 0


def test_a_post_without_its_csrf_token_erases_nothing(
    client: FlaskClient, database: Database, kj: Katherine
) -> None:
    admin = _sign_in(client, database, ADMIN, "admin")
    response = admin.post(
        f"/customers/{kj.customer_id}/erase", data={"confirm": str(kj.customer_id)}
    )
    assert response.status_code == 400  # CSRFProtect refuses before the view runs
    assert _exists(database, kj.customer_id)
    assert _count(database, Suppression) == 0


@pytest.mark.parametrize("typed", ["id", "  katherine   JOHNSON "])
def test_typing_the_id_or_the_name_erases_and_audits_without_personal_data(
    client: FlaskClient, database: Database, kj: Katherine, typed: str
) -> None:
    admin = _sign_in(client, database, ADMIN, "admin")
    confirm = f"#{kj.customer_id}" if typed == "id" else typed
    target, page = _erase(admin, kj.customer_id, confirm)
    assert target == "/customers"
    assert f"Customer #{kj.customer_id} was erased: 3 source records" in page
    assert "kept only as hashes" in page
    assert not _exists(database, kj.customer_id)
    assert _count(database, Suppression) > 0
    with database.session() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "customer.erased")
        ).one()
        erased = session.scalars(
            select(OutboxEvent).where(OutboxEvent.type == "customer.erased")
        ).one()
    assert (entry.actor, entry.target) == (ADMIN, f"customer {kj.customer_id}")
    assert entry.details["source_records"] == 3
    assert entry.details["event_id"] == erased.event_id
    recorded = json.dumps(entry.details).lower()
    assert "katherine" not in recorded
    assert "nasa" not in recorded


def test_an_unknown_customer_is_reported_on_the_list(
    client: FlaskClient, database: Database, kj: Katherine
) -> None:
    admin = _sign_in(client, database, ADMIN, "admin")
    token = csrf_from(admin.get(f"/customers/{kj.customer_id}").text)
    response = admin.post("/customers/999/erase", data={"csrf_token": token, "confirm": "999"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/customers"
    assert "Customer 999 does not exist." in admin.get("/customers").text
    assert _exists(database, kj.customer_id)
