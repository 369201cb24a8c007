"""The per-token rate limit: fixed windows counted in the database, 429 with Retry-After."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask.testing import FlaskClient
from sqlalchemy import select

from core.db import Database
from core.models import ApiRateWindow, ApiToken, AppSetting
from core.upsert import upsert
from tests.web.test_api import assert_problem, bearer, token_for
from web.api.ratelimit import SETTING_KEY, count_request, load_policy

DAY = 86_400
NOON = datetime(2024, 5, 1, 12, 0, 10, tzinfo=UTC)


def set_limit(database: Database, value: object) -> None:
    with database.session() as session:
        upsert(
            session,
            AppSetting,
            key={"key": SETTING_KEY},
            insert={"value": value},
            update={"value": value},
        )


def test_requests_over_the_limit_are_refused_per_token(
    client: FlaskClient, database: Database
) -> None:
    # A day-long window: the test never straddles two windows in practice.
    set_limit(database, {"requests": 3, "window_seconds": DAY})
    busy, quiet = bearer(token_for(database, "rep", "busy")), bearer(token_for(database, "rep"))

    answers = [client.get("/api/v1/me", headers=busy) for _ in range(4)]
    other = client.get("/api/v1/me", headers=quiet)

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a.headers["RateLimit-Remaining"] for a in answers] == ["2", "1", "0", "0"]
    assert answers[0].headers["RateLimit-Limit"] == "3"
    assert answers[0].headers["RateLimit-Policy"] == f"3;w={DAY}"
    refused = answers[-1]
    problem = assert_problem(refused, 429)
    retry_after = int(refused.headers["Retry-After"])
    assert 0 < retry_after <= DAY
    assert refused.headers["RateLimit-Reset"] == str(retry_after)
    assert f"retry after {retry_after} seconds" in problem["detail"]
    assert other.status_code == 200


def test_unauthenticated_requests_are_not_counted(client: FlaskClient, database: Database) -> None:
    response = client.get("/api/v1/me")

    assert_problem(response, 401)
    assert "RateLimit-Limit" not in response.headers
    with database.session() as session:
        assert session.scalars(select(ApiRateWindow)).all() == []


def test_a_new_window_starts_afresh_and_prunes_the_old_ones(database: Database) -> None:
    set_limit(database, {"requests": 2, "window_seconds": 60})
    token_for(database, "rep")
    with database.session() as session:
        owner = session.scalars(select(ApiToken.id)).one()

    with database.session() as session:
        states = [count_request(session, owner, NOON) for _ in range(3)]
    with database.session() as session:
        later = count_request(session, owner, NOON + timedelta(minutes=2))
    with database.session() as session:
        windows = session.scalars(select(ApiRateWindow.window_start)).all()

    assert [s.exceeded for s in states] == [False, False, True]
    assert states[0].reset_seconds == 50
    assert (later.count, later.exceeded) == (1, False)
    assert windows == [datetime(2024, 5, 1, 12, 2, tzinfo=UTC)]


def test_a_missing_or_malformed_setting_means_the_default(database: Database) -> None:
    with database.session() as session:
        default = load_policy(session)
    set_limit(database, {"requests": "many", "window_seconds": 0})
    with database.session() as session:
        malformed = load_policy(session)

    assert (default.requests, default.window_seconds) == (600, 60)
    assert malformed == default
