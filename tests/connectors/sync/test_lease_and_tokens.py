"""One sync per account; one OAuth refresh however many threads find the token expired."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from cryptography.fernet import Fernet

from connectors.sync import NeedsReconnect, acquire_lease, current_credentials, release_lease
from core.db import Database
from core.models import Connector, utcnow
from core.vault import Vault


def _vault() -> Vault:
    return Vault([Fernet.generate_key().decode()])


def _connector(database: Database, vault: Vault, **credentials: str) -> int:
    with database.session() as session:
        row = Connector(kind="gmail", name="rita@example.com",
                        credentials_encrypted=vault.encrypt_json(credentials))  # fmt: skip
        session.add(row)
        session.flush()
        return row.id


def test_a_lease_is_held_by_one_owner_until_released_or_expired(database: Database) -> None:
    connector = _connector(database, _vault())
    with database.session() as session:
        assert acquire_lease(session, connector, "a", timedelta(minutes=5))
    with database.session() as session:
        assert not acquire_lease(session, connector, "b", timedelta(minutes=5))
        assert acquire_lease(session, connector, "a", timedelta(minutes=5))  # renewal
    with database.session() as session:
        release_lease(session, connector, "a")
    with database.session() as session:
        assert acquire_lease(session, connector, "b", timedelta(seconds=-1))  # already expired
    with database.session() as session:
        assert acquire_lease(session, connector, "c", timedelta(minutes=5))


def test_eight_threads_with_an_expired_token_refresh_it_once(database: Database) -> None:
    vault = _vault()
    expired = (utcnow() - timedelta(minutes=1)).isoformat()
    connector = _connector(
        database, vault, access_token="old", refresh_token="r1", expires_at=expired
    )
    refreshes: list[str] = []
    start = threading.Barrier(8)

    def refresh(stored: dict) -> dict:
        refreshes.append(stored["refresh_token"])
        later = (utcnow() + timedelta(hours=1)).isoformat()
        return {"access_token": "new", "refresh_token": "r2", "expires_at": later}

    tokens: list[str] = []

    def worker() -> None:
        start.wait()
        tokens.append(current_credentials(database, vault, connector, refresh)["access_token"])

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert refreshes == ["r1"]
    assert tokens == ["new"] * 8
    with database.session() as session:
        row = session.get(Connector, connector)
        assert row is not None
        assert vault.decrypt_json(row.credentials_encrypted)["refresh_token"] == "r2"


def test_a_revoked_grant_marks_the_account_and_is_not_retried(database: Database) -> None:
    vault = _vault()
    connector = _connector(database, vault, access_token="old", refresh_token="r1",
                           expires_at=utcnow().isoformat())  # fmt: skip
    calls = []

    def refresh(_stored: dict) -> dict:
        calls.append(1)
        raise NeedsReconnect("invalid_grant: token has been revoked")

    for _ in range(3):
        with pytest.raises(NeedsReconnect, match="revoked"):
            current_credentials(database, vault, connector, refresh)
    assert len(calls) == 1
    with database.session() as session:
        row = session.get(Connector, connector)
        assert row is not None
        assert row.status == "needs_reconnect"
        assert "revoked" in row.last_error
