"""The dashboard and its live-update JSON."""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient

from core.db import Database
from core.models import Connector, SyncRun, WorkerHeartbeat, utcnow
from tests.web.helpers import make_user, sign_in


def add_worker(database: Database, hostname: str, age: timedelta) -> None:
    with database.session() as session:
        session.add(WorkerHeartbeat(hostname=hostname, pid=4242, last_seen=utcnow() - age))


def test_dashboard_shows_health(client: FlaskClient, database: Database) -> None:
    make_user(database, "rita@example.com", "rep")
    add_worker(database, "worker-a", timedelta(seconds=1))
    sign_in(client, "rita@example.com")

    page = client.get("/").text

    assert "System health" in page
    assert database.dialect in page
    assert "worker-a" in page
    assert "alive" in page
    for queue in ("sync", "ingest", "deliver", "default"):
        assert f'data-queue="{queue}"' in page
    assert 'src="/static/dashboard.js"' in page


def test_health_json_reports_workers_queues_and_errors(
    client: FlaskClient, database: Database
) -> None:
    make_user(database, "ada@example.com", "admin")
    add_worker(database, "worker-fresh", timedelta(seconds=1))
    add_worker(database, "worker-gone", timedelta(hours=1))
    with database.session() as session:
        connector = Connector(kind="gmail", name="Sales inbox")
        session.add(connector)
        session.flush()
        session.add(SyncRun(connector_id=connector.id, status="failed", error="token expired"))
    sign_in(client, "ada@example.com")

    data = client.get("/ui/health.json").get_json()

    assert data["database"] == {"ok": True, "detail": database.dialect}
    assert data["broker"]["ok"] is True
    assert data["queues"] == {"sync": 0, "ingest": 0, "deliver": 0, "default": 0}
    assert data["workers_alive"] == 1
    assert {(w["hostname"], w["alive"]) for w in data["workers"]} == {
        ("worker-fresh", True),
        ("worker-gone", False),
    }
    assert [e["message"] for e in data["recent_errors"]] == ["token expired"]
    assert data["status"] == "ok"


def test_health_json_answers_401_when_signed_out(client: FlaskClient) -> None:
    response = client.get("/ui/health.json")

    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 401


def test_dashboard_redirects_when_signed_out(client: FlaskClient) -> None:
    response = client.get("/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/"
