"""API tokens over the REST API: the plaintext once at creation, listing, revocation."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select

from core.db import Database
from core.models import AuditEntry
from tests.web.test_api import assert_problem, bearer, token_for


def test_a_created_token_works_is_shown_once_and_can_be_revoked(
    client: FlaskClient, database: Database
) -> None:
    admin = bearer(token_for(database, "admin", name="root"))

    created = client.post(
        "/api/v1/tokens", json={"name": "warehouse", "role": "rep"}, headers=admin
    )
    body = created.get_json()
    new = bearer(body["token"])
    me = client.get("/api/v1/me", headers=new)
    listed = client.get("/api/v1/tokens", headers=admin)
    revoked = client.delete(f"/api/v1/tokens/{body['id']}", headers=admin)
    again = client.delete(f"/api/v1/tokens/{body['id']}", headers=admin)

    assert created.status_code == 201
    assert body["token"].startswith(body["prefix"])
    assert me.get_json()["name"] == "warehouse"
    assert [item["name"] for item in listed.get_json()] == ["root", "warehouse"]
    assert body["token"] not in listed.text
    assert "token" not in listed.get_json()[1]
    assert (revoked.status_code, again.status_code) == (204, 204)
    assert_problem(client.get("/api/v1/me", headers=new), 401)
    revoked_at = client.get("/api/v1/tokens", headers=admin).get_json()[1]["revoked_at"]
    assert revoked_at is not None
    with database.session() as session:
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["api_token.created", "api_token.revoked"]


def test_token_refusals(client: FlaskClient, database: Database) -> None:
    admin = bearer(token_for(database, "admin", name="root"))
    rep = bearer(token_for(database, "rep", name="rep"))

    assert_problem(client.get("/api/v1/tokens", headers=rep), 403)
    assert_problem(client.post("/api/v1/tokens", json={"name": "x"}, headers=rep), 403)
    assert_problem(client.delete("/api/v1/tokens/99", headers=admin), 404)
    blank = assert_problem(client.post("/api/v1/tokens", json={"name": "   "}, headers=admin), 422)
    assert "name" in blank["errors"]["json"]
    role = assert_problem(
        client.post("/api/v1/tokens", json={"name": "x", "role": "owner"}, headers=admin), 422
    )
    assert "role" in role["errors"]["json"]
