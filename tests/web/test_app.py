"""The factory, security headers, error pages, and answers while the database is down."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from core.db import Database
from core.settings import load_settings
from tests.web.helpers import make_user, sign_in
from web.app import create_app
from web.context import Hub

UNREACHABLE = {
    "sqlite": "sqlite:////nonexistent-crmhub-dir/crmhub.db",
    "postgresql": "postgresql+psycopg://crmhub@127.0.0.1:9/crmhub",
}


def test_factory_reads_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRMHUB_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CRMHUB_SECRET_KEY", "k" * 40)

    app = create_app()

    hub = app.extensions["crmhub"]
    assert isinstance(hub, Hub)
    assert hub.settings.data_dir == tmp_path
    assert hub.database.url == f"sqlite:///{tmp_path / 'crmhub.db'}"
    assert app.config["SECRET_KEY"] == "k" * 40
    assert not (tmp_path / "crmhub.db").exists()


@pytest.mark.parametrize("path", ["/login", "/api/v1/health", "/nowhere", "/static/crmhub.css"])
def test_security_headers_on_every_response(client: FlaskClient, path: str) -> None:
    headers = client.get(path).headers

    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"


def test_signed_in_pages_are_not_stored(client: FlaskClient, database: Database) -> None:
    make_user(database, "ada@example.com", "admin")
    sign_in(client, "ada@example.com")

    for path in ("/", "/users", "/audit-log", "/ui/health.json"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path


def test_static_assets_ship_with_the_app(client: FlaskClient) -> None:
    css = client.get("/static/crmhub.css")
    script = client.get("/static/dashboard.js")

    assert css.status_code == 200
    assert script.status_code == 200
    assert "no-store" not in css.headers.get("Cache-Control", "")
    assert "http://" not in css.text + script.text
    assert "https://" not in css.text + script.text


def test_pages_load_nothing_from_elsewhere(client: FlaskClient) -> None:
    page = client.get("/login").text

    assert "http://" not in page
    assert "https://" not in page
    assert "<script>" not in page
    assert "style=" not in page


def test_unknown_page_is_an_html_404(client: FlaskClient) -> None:
    response = client.get("/nowhere")

    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "There is nothing at this address." in response.text


@pytest.mark.parametrize("backend", sorted(UNREACHABLE))
def test_database_down_answers_503(tmp_path: Path, backend: str) -> None:
    url = UNREACHABLE[backend]
    settings = load_settings({"CRMHUB_DATA_DIR": str(tmp_path), "CRMHUB_DATABASE_URL": url})
    app = create_app(settings, Database(url))
    client = app.test_client()

    page = client.get("/login")
    api = client.get("/api/v1/me", headers={"Authorization": "Bearer crm_x"})
    health = client.get("/api/v1/health")

    assert page.status_code == 503
    assert "database cannot be reached" in page.text
    assert page.headers["Retry-After"] == "5"
    assert api.status_code == 503
    assert api.mimetype == "application/problem+json"
    assert api.get_json()["status"] == 503
    assert health.status_code == 503
    assert health.get_json()["status"] == "down"
    assert health.get_json()["database"]["ok"] is False
    assert client.get("/ui/health.json").mimetype == "application/problem+json"
