"""The REST API: bearer tokens, problem+json errors, health, and the OpenAPI document."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update
from werkzeug.exceptions import TooManyRequests

from core import audit
from core.accounts import create_api_token
from core.db import Database
from core.models import ApiToken, utcnow
from core.settings import Settings
from web.app import create_app

PROBLEM = "application/problem+json"


def token_for(database: Database, role: str, name: str = "ci") -> str:
    with database.session() as session:
        return create_api_token(session, name, role)[1]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status
    assert response.mimetype == PROBLEM
    body: dict[str, Any] = response.get_json(force=True)
    assert {"type", "title", "status", "detail"} <= body.keys()
    assert body["status"] == status
    assert body["detail"]
    return body


def test_unknown_token_is_a_401_problem(client: FlaskClient) -> None:
    response = client.get("/api/v1/me", headers=bearer("crm_not-a-real-token"))

    body = assert_problem(response, 401)
    assert body["title"] == "Unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


@pytest.mark.parametrize("header", [None, "Basic dXNlcjpwYXNz", "Bearer "])
def test_missing_token_is_a_401_problem(client: FlaskClient, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}

    response = client.get("/api/v1/me", headers=headers)

    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="crmhub"'


def test_me_describes_the_token(client: FlaskClient, database: Database) -> None:
    token = token_for(database, "rep", name="warehouse sync")

    response = client.get("/api/v1/me", headers=bearer(token))

    assert response.status_code == 200
    assert response.get_json() == {"name": "warehouse sync", "role": "rep", "prefix": token[:8]}


def test_revoked_token_is_refused(client: FlaskClient, database: Database) -> None:
    token = token_for(database, "admin")
    with database.session() as session:
        session.execute(update(ApiToken).values(revoked_at=utcnow()))

    assert_problem(client.get("/api/v1/me", headers=bearer(token)), 401)


def test_admin_endpoint_refuses_rep_tokens(client: FlaskClient, database: Database) -> None:
    response = client.get("/api/v1/audit-log", headers=bearer(token_for(database, "rep")))

    body = assert_problem(response, 403)
    assert "admin" in body["detail"]


def test_audit_log_pages_for_admin_tokens(client: FlaskClient, database: Database) -> None:
    with database.session() as session:
        for number in range(3):
            audit.record(session, "ada@example.com", "test.action", target=f"t{number}")
    token = token_for(database, "admin")

    response = client.get("/api/v1/audit-log?page=1&page_size=2", headers=bearer(token))

    assert response.status_code == 200
    assert [entry["target"] for entry in response.get_json()] == ["t2", "t1"]
    assert '"total": 3' in response.headers["X-Pagination"]


def test_invalid_parameters_are_a_422_problem(client: FlaskClient, database: Database) -> None:
    token = token_for(database, "admin")

    response = client.get("/api/v1/audit-log?page=0", headers=bearer(token))

    body = assert_problem(response, 422)
    assert "page" in body["errors"]["query"]


def test_token_is_checked_before_parameters(client: FlaskClient) -> None:
    assert_problem(client.get("/api/v1/audit-log?page=0"), 401)


def test_health_needs_no_token(client: FlaskClient, database: Database) -> None:
    response = client.get("/api/v1/health")

    assert response.status_code == 200
    body = response.get_json()
    assert body["database"] == {"ok": True, "detail": database.dialect}
    assert body["broker"]["ok"] is True
    assert body["workers_alive"] == 0
    assert body["queues"] == {"sync": 0, "ingest": 0, "deliver": 0, "default": 0}
    assert body["status"] == "degraded"


def test_unknown_path_is_a_404_problem(client: FlaskClient) -> None:
    assert_problem(client.get("/api/v1/nothing-here"), 404)


def test_wrong_method_is_a_405_problem_not_a_csrf_error(client: FlaskClient) -> None:
    response = client.post("/api/v1/health", data={"x": "1"})

    assert_problem(response, 405)
    assert "GET" in response.headers["Allow"]


def test_api_routes_are_exempt_from_csrf(app: Flask) -> None:
    csrf = app.extensions["csrf"]
    api_blueprints = [app.blueprints[name] for name in ("system", "identity", "audit")]

    assert all(blueprint in csrf._exempt_blueprints for blueprint in api_blueprints)
    assert app.blueprints["auth"] not in csrf._exempt_blueprints
    assert app.blueprints["ui"] not in csrf._exempt_blueprints


@pytest.mark.parametrize(
    ("error", "status", "title"),
    [
        (RuntimeError("secret internals"), 500, "Internal Server Error"),
        (TooManyRequests(retry_after=30), 429, "Too Many Requests"),
    ],
)
def test_errors_raised_in_endpoints_are_problems(
    settings: Settings, database: Database, error: Exception, status: int, title: str
) -> None:
    app = create_app(settings, database)

    def explode() -> str:
        raise error

    app.add_url_rule("/api/v1/explode", "explode", explode)

    response = app.test_client().get("/api/v1/explode")

    body = assert_problem(response, status)
    assert "secret internals" not in response.text
    assert body["title"] == title
    assert (response.headers.get("Retry-After") == "30") is (status == 429)


def collect_refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        refs = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return refs + [ref for value in node.values() for ref in collect_refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in collect_refs(value)]
    return []


def resolve(document: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = document
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def test_openapi_document_lists_paths_and_resolves(client: FlaskClient) -> None:
    response = client.get("/api/v1/openapi.json")
    spec = response.get_json()

    assert response.status_code == 200
    assert spec["openapi"] == "3.0.3"
    assert spec["info"] == {"title": "crmhub", "version": "v1"}
    assert {"/api/v1/health", "/api/v1/me", "/api/v1/audit-log"} <= spec["paths"].keys()
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert spec["paths"]["/api/v1/me"]["get"]["security"] == [{"bearerAuth": []}]
    assert "security" not in spec["paths"]["/api/v1/health"]["get"]
    refs = collect_refs(spec)
    assert refs
    for ref in refs:
        assert resolve(spec, ref) is not None


def test_openapi_documents_errors_as_problem_json(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()

    unauthorized = resolve(spec, spec["paths"]["/api/v1/me"]["get"]["responses"]["401"]["$ref"])
    schema = resolve(spec, unauthorized["content"][PROBLEM]["schema"]["$ref"])

    assert {"type", "title", "status", "detail"} <= schema["properties"].keys()
