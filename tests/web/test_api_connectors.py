"""Connectors over the REST API: status with the latest sync run, and sync requests."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from core.db import Database
from core.models import Connector, SyncRun
from core.settings import Settings
from tests.web.test_api import assert_problem, bearer, token_for
from worker.queues import queue_depths

FINISHED = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def connector(database: Database, kind: str, name: str, **fields: str) -> int:
    with database.session() as session:
        row = Connector(kind=kind, name=name, **fields)
        session.add(row)
        session.flush()
        return row.id


def test_connectors_are_listed_with_their_latest_sync(
    client: FlaskClient, database: Database
) -> None:
    csv = connector(database, "csvimport", "Trade show leads")
    forms = connector(database, "forms", "Website", status="error", last_error="bad secret")
    with database.session() as session:
        session.add(SyncRun(connector_id=csv, stream="rows", status="failed", error="old"))
        session.add(
            SyncRun(
                connector_id=csv,
                stream="rows",
                status="succeeded",
                done=40,
                total=40,
                finished_at=FINISHED,
            )
        )
    token = bearer(token_for(database, "rep"))

    listed = client.get("/api/v1/connectors", headers=token).get_json()
    one = client.get(f"/api/v1/connectors/{forms}", headers=token).get_json()

    assert [item["name"] for item in listed] == ["Trade show leads", "Website"]
    last = listed[0]["last_sync"]
    assert (last["status"], last["done"], last["total"]) == ("succeeded", 40, 40)
    assert last["finished_at"].startswith("2024-06-01T12:00:00")
    assert listed[0]["streams"] == []
    assert (one["status"], one["last_error"], one["last_sync"]) == ("error", "bad secret", None)


def test_unknown_connector_is_a_404_problem(client: FlaskClient, database: Database) -> None:
    token = bearer(token_for(database, "rep"))

    assert_problem(client.get("/api/v1/connectors/42", headers=token), 404)
    assert_problem(
        client.post(
            "/api/v1/connectors/42/sync", headers=bearer(token_for(database, "admin", "a"))
        ),
        404,
    )


@pytest.mark.parametrize(
    ("kind", "reason"), [("csvimport", "uploaded"), ("forms", "post"), ("api", "REST API")]
)
def test_pushed_kinds_cannot_sync(
    client: FlaskClient, database: Database, kind: str, reason: str
) -> None:
    connector_id = connector(database, kind, "source")
    token = bearer(token_for(database, "admin"))

    problem = assert_problem(
        client.post(f"/api/v1/connectors/{connector_id}/sync", headers=token), 409
    )

    assert "nothing to pull" in problem["detail"]
    assert reason in problem["detail"]
    with database.session() as session:
        assert session.scalar(select(func.count(SyncRun.id))) == 0


def test_sync_needs_an_admin_token(client: FlaskClient, database: Database) -> None:
    connector_id = connector(database, "csvimport", "source")

    response = client.post(
        f"/api/v1/connectors/{connector_id}/sync", headers=bearer(token_for(database, "rep"))
    )

    assert_problem(response, 403)


def test_a_mailbox_sync_is_queued_once_for_a_worker(
    client: FlaskClient, database: Database, settings: Settings
) -> None:
    connector_id = connector(database, "gmail", "rita@example.com")
    token = bearer(token_for(database, "admin"))

    response = client.post(f"/api/v1/connectors/{connector_id}/sync", headers=token)

    assert response.status_code == 202
    [run] = response.get_json()["runs"]
    assert (run["stream"], run["status"]) == ("mail", "queued")
    assert queue_depths(settings.broker_url)["sync"] == 1
    again = client.post(f"/api/v1/connectors/{connector_id}/sync", headers=token)
    assert "still queued or running" in assert_problem(again, 409)["detail"]
    assert queue_depths(settings.broker_url)["sync"] == 1
