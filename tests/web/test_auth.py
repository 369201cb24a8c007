"""Sign-in, sign-out, rate limiting, CSRF and the session cookie."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import select

from core.db import Database
from core.models import AuditEntry, User
from core.settings import Settings
from tests.web.conftest import MAX_FAILURES
from tests.web.helpers import (
    PASSWORD,
    csrf_from,
    make_user,
    session_cookie_header,
    session_user_id,
    sign_in,
)
from web.app import create_app


def audit_actions(database: Database) -> list[tuple[str, str]]:
    with database.session() as session:
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(row.action, row.actor) for row in rows]


def test_sign_in_starts_a_session_and_is_audited(client: FlaskClient, database: Database) -> None:
    user_id = make_user(database, "ada@example.com", "admin")

    response = sign_in(client, "ada@example.com")

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert session_user_id(client) == str(user_id)
    assert audit_actions(database) == [("auth.sign_in", "ada@example.com")]
    assert "System health" in client.get("/").text


def test_wrong_password_shows_an_error_and_starts_no_session(
    client: FlaskClient, database: Database
) -> None:
    make_user(database, "ada@example.com", "admin")

    response = sign_in(client, "ada@example.com", "not the password at all")

    assert response.status_code == 401
    assert "Wrong email or password." in response.text
    assert response.headers.getlist("Set-Cookie") == []
    assert session_user_id(client) is None
    assert client.get("/").status_code == 302
    assert audit_actions(database) == []


def test_unknown_email_is_answered_like_a_wrong_password(
    client: FlaskClient, database: Database
) -> None:
    make_user(database, "ada@example.com", "admin")

    response = sign_in(client, "nobody@example.com")

    assert response.status_code == 401
    assert "Wrong email or password." in response.text


def test_too_many_failures_answer_429_even_for_the_right_password(
    client: FlaskClient, database: Database
) -> None:
    make_user(database, "ada@example.com", "admin")
    statuses = [sign_in(client, "ada@example.com", "wrong guess").status_code for _ in range(3)]

    blocked = sign_in(client, "ada@example.com", PASSWORD)

    assert statuses == [401] * MAX_FAILURES
    assert blocked.status_code == 429
    assert blocked.headers["Retry-After"] == "900"
    assert "Too many failed sign-ins" in blocked.text
    assert session_user_id(client) is None


def test_post_without_csrf_token_is_rejected(client: FlaskClient, database: Database) -> None:
    make_user(database, "ada@example.com", "admin")

    response = client.post("/login", data={"email": "ada@example.com", "password": PASSWORD})

    assert response.status_code == 400
    assert "reload the page" in response.text
    assert session_user_id(client) is None


def test_sign_in_replaces_the_session_so_old_tokens_stop_working(
    client: FlaskClient, database: Database
) -> None:
    make_user(database, "ada@example.com", "admin")
    token_before = csrf_from(client.get("/login").text)
    sign_in(client, "ada@example.com")

    stale = client.post("/logout", data={"csrf_token": token_before})

    assert stale.status_code == 400
    assert session_user_id(client) is not None


def test_sign_out_needs_post_with_token_and_is_audited(
    client: FlaskClient, database: Database
) -> None:
    make_user(database, "ada@example.com", "admin")
    sign_in(client, "ada@example.com")
    token = csrf_from(client.get("/").text)

    assert client.get("/logout").status_code == 405
    response = client.post("/logout", data={"csrf_token": token})

    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert session_user_id(client) is None
    assert [action for action, _ in audit_actions(database)] == ["auth.sign_in", "auth.sign_out"]


def test_pages_send_visitors_to_sign_in_and_back(client: FlaskClient, database: Database) -> None:
    make_user(database, "ada@example.com", "admin")

    first = client.get("/users")
    response = sign_in(client, "ada@example.com", next_url="/users")

    assert first.status_code == 302
    assert first.headers["Location"] == "/login?next=/users"
    assert response.headers["Location"] == "/users"


def test_next_pointing_elsewhere_is_ignored(client: FlaskClient, database: Database) -> None:
    make_user(database, "ada@example.com", "admin")

    response = sign_in(client, "ada@example.com", next_url="//evil.example/")

    assert response.headers["Location"] == "/"


def test_session_cookie_is_httponly_and_samesite_lax(client: FlaskClient) -> None:
    cookie = session_cookie_header(client.get("/login").headers.getlist("Set-Cookie"))

    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_session_cookie_is_secure_when_configured(
    make_settings: Callable[..., Settings], database: Database
) -> None:
    app = create_app(make_settings(secure_cookies="true"), database)

    headers = app.test_client().get("/login").headers.getlist("Set-Cookie")
    cookie = session_cookie_header(headers)

    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


def test_login_page_points_to_the_setup_link_before_any_user_exists(
    client: FlaskClient, database: Database
) -> None:
    empty = client.get("/login").text
    make_user(database, "ada@example.com", "admin")
    populated = client.get("/login").text

    assert "setup link" in empty
    assert "crmhub run" in empty
    assert "setup link" not in populated


def test_deactivated_user_loses_the_session(client: FlaskClient, database: Database) -> None:
    user_id = make_user(database, "ada@example.com", "admin")
    sign_in(client, "ada@example.com")
    with database.session() as session:
        session.get(User, user_id).active = False

    response = client.get("/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_session_used_from_another_client_is_dropped(
    client: FlaskClient, database: Database
) -> None:
    make_user(database, "ada@example.com", "admin")
    sign_in(client, "ada@example.com")

    same = client.get("/")
    stolen = client.get("/", environ_base={"REMOTE_ADDR": "203.0.113.9"})

    assert same.status_code == 200
    assert stolen.status_code == 302
    assert stolen.headers["Location"] == "/login?next=/"
