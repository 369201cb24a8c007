from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.accounts import (
    AccountError,
    LoginPolicy,
    TooManyAttempts,
    authenticate,
    complete_setup,
    create_api_token,
    create_user,
    find_api_token,
    issue_setup_token,
    setup_token_valid,
)
from core.db import Database
from core.models import ApiToken, LoginAttempt, OneTimeToken, User, utcnow

POLICY = LoginPolicy(max_failures=3, window_seconds=900)
PASSWORD = "correct horse battery"


def test_create_user_normalizes_email_and_refuses_duplicates(database: Database) -> None:
    with database.session() as session:
        user = create_user(session, " Ann@Example.COM ", "admin", password=PASSWORD)
        assert user.email == "ann@example.com"
    with database.session() as session, pytest.raises(AccountError, match="already exists"):
        create_user(session, "ann@example.com", "rep", password=PASSWORD)


@pytest.mark.parametrize(("email", "role"), [("not-an-email", "admin"), ("a@b.com", "owner")])
def test_create_user_rejects_bad_input(database: Database, email: str, role: str) -> None:
    with database.session() as session, pytest.raises(AccountError):
        create_user(session, email, role, password=PASSWORD)
    with database.session() as session:
        assert session.scalar(select(func.count(User.id))) == 0


def test_authenticate_counts_failures_and_locks_out(database: Database) -> None:
    with database.session() as session:
        create_user(session, "ann@example.com", "rep", password=PASSWORD)
    for _ in range(3):
        with database.session() as session:
            assert authenticate(session, "ann@example.com", "wrong", "10.0.0.1", POLICY) is None
    with database.session() as session, pytest.raises(TooManyAttempts):
        authenticate(session, "ann@example.com", PASSWORD, "10.0.0.2", POLICY)
    with database.session() as session:
        assert session.scalar(select(func.count(LoginAttempt.id))) == 3


def test_successful_login_clears_failures(database: Database) -> None:
    with database.session() as session:
        create_user(session, "ann@example.com", "rep", password=PASSWORD)
    with database.session() as session:
        authenticate(session, "ann@example.com", "wrong", "10.0.0.1", POLICY)
    with database.session() as session:
        user = authenticate(session, "ANN@example.com", PASSWORD, "10.0.0.1", POLICY)
        assert user is not None
        assert user.last_login_at is not None
    with database.session() as session:
        assert session.scalar(select(func.count(LoginAttempt.id))) == 0


def test_setup_token_creates_first_admin_once(database: Database) -> None:
    with database.session() as session:
        token = issue_setup_token(session)
    with database.session() as session:
        assert setup_token_valid(session, token)
        admin = complete_setup(session, token, "boss@example.com", PASSWORD, "Boss")
        assert admin.role == "admin"
    with database.session() as session:
        assert not setup_token_valid(session, token)
        with pytest.raises(AccountError, match="no longer valid"):
            complete_setup(session, token, "other@example.com", PASSWORD, "Other")
        with pytest.raises(AccountError, match="already exists"):
            issue_setup_token(session)


def test_setup_token_expires_and_only_the_newest_works(database: Database) -> None:
    with database.session() as session:
        old = issue_setup_token(session)
    with database.session() as session:
        new = issue_setup_token(session)
    with database.session() as session:
        assert not setup_token_valid(session, old)
        assert setup_token_valid(session, new)
        row = session.scalars(select(OneTimeToken)).one()
        row.expires_at = utcnow() - timedelta(seconds=1)
    with database.session() as session:
        assert not setup_token_valid(session, new)


def test_api_token_stored_hashed_and_revocable(database: Database) -> None:
    with database.session() as session:
        row, plaintext = create_api_token(session, "billing", "admin")
    with database.session() as session:
        stored = session.scalars(select(ApiToken)).one()
        assert plaintext not in (stored.token_hash, stored.prefix)
        found = find_api_token(session, plaintext)
        assert found is not None
        assert found.id == row.id
        assert find_api_token(session, plaintext + "x") is None
        stored.revoked_at = utcnow()
    with database.session() as session:
        assert find_api_token(session, plaintext) is None
