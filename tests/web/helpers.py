"""Small steps the web tests share: reading CSRF tokens, making users, signing in."""

from __future__ import annotations

import re
from functools import cache

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from core.accounts import create_user
from core.db import Database
from core.passwords import hash_password
from web.config import SESSION_COOKIE_NAME

PASSWORD = "a long enough password"
_CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = _CSRF_INPUT.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


@cache
def _hashed(password: str) -> str:
    return hash_password(password)


def make_user(database: Database, email: str, role: str, password: str = PASSWORD) -> int:
    """A user with a working password; the scrypt hash is computed once per password."""
    with database.session() as session:
        name = email.split("@", maxsplit=1)[0]
        user = create_user(session, email, role, name=name)
        user.password_hash = _hashed(password)
        return user.id


def sign_in(
    client: FlaskClient, email: str, password: str = PASSWORD, next_url: str = ""
) -> TestResponse:
    """Fetch the form for its token, then post it; returns the POST response."""
    url = "/login" + (f"?next={next_url}" if next_url else "")
    token = csrf_from(client.get(url).text)
    return client.post(url, data={"csrf_token": token, "email": email, "password": password})


def session_user_id(client: FlaskClient) -> str | None:
    with client.session_transaction() as session:
        return session.get("_user_id")


def session_cookie_header(headers: list[str]) -> str:
    found = [value for value in headers if value.startswith(SESSION_COOKIE_NAME + "=")]
    assert found, f"no {SESSION_COOKIE_NAME} cookie in {headers}"
    return found[0]
