"""The admin commands, run through click against both databases."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.fernet import Fernet
from sqlalchemy import select

from core.db import Database
from core.models import ApiToken, AuditEntry, Connector, User
from core.passwords import token_hash, verify_password
from core.settings import load_settings
from core.vault import SecretUnreadable, Vault
from tests.servers import free_port
from web.cli.main import cli


@pytest.fixture
def run_cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database: Database):
    monkeypatch.setenv("CRMHUB_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("CRMHUB_DATABASE_URL", database.url)
    monkeypatch.setenv("CRMHUB_BROKER_URL", f"sqla+sqlite:///{tmp_path / 'broker.db'}")
    monkeypatch.delenv("CRMHUB_ENCRYPTION_KEYS", raising=False)

    def invoke(*args: str, stdin: str | None = None):
        return CliRunner().invoke(cli, list(args), input=stdin, catch_exceptions=False)

    return invoke


def test_user_create_reads_the_password_from_stdin(run_cli, database: Database) -> None:
    result = run_cli(
        "user",
        "create",
        "--email",
        "Rep@Example.com",
        "--role",
        "rep",
        stdin="a good long password\n",
    )
    assert result.exit_code == 0, result.output
    assert "created rep rep@example.com" in result.output
    with database.session() as session:
        user = session.scalars(select(User)).one()
        assert user.role == "rep"
        assert verify_password("a good long password", user.password_hash)
        entry = session.scalars(select(AuditEntry)).one()
        assert (entry.action, entry.target) == ("user.create", "rep@example.com")
        assert entry.actor.startswith("cli:")


def test_user_create_refuses_a_weak_password_and_changes_nothing(run_cli, database) -> None:
    result = run_cli(
        "user", "create", "--email", "a@example.com", "--role", "admin", stdin="short\n"
    )
    assert result.exit_code == 1
    assert "user not created: use at least 12 characters" in result.output
    with database.session() as session:
        assert session.scalars(select(User)).all() == []
        assert session.scalars(select(AuditEntry)).all() == []


def test_token_create_prints_it_once_and_stores_only_a_hash(run_cli, database) -> None:
    result = run_cli("token", "create", "--name", "billing", "--role", "admin")
    assert result.exit_code == 0
    token = result.stdout.strip()
    assert token.startswith("crm_")
    with database.session() as session:
        row = session.scalars(select(ApiToken)).one()
        assert row.token_hash == token_hash(token)
        assert row.role == "admin"


def test_status_reports_each_component(run_cli) -> None:
    result = run_cli("status")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("database   ok")
    assert lines[1].startswith("broker     ok")
    assert lines[2] == "workers    0 alive  (start one: crmhub worker)"
    assert lines[3] == "queues     sync 0  ingest 0  deliver 0  default 0"


def test_status_exits_non_zero_when_the_broker_is_down(run_cli, monkeypatch) -> None:
    monkeypatch.setenv("CRMHUB_BROKER_URL", f"redis://127.0.0.1:{free_port()}/0")
    result = run_cli("status")
    assert result.exit_code == 1
    assert "broker     DOWN" in result.output


def test_rotate_keys_with_a_key_file(run_cli, database: Database, tmp_path: Path) -> None:
    settings = load_settings({"CRMHUB_DATA_DIR": str(tmp_path / "var")})
    old_vault = Vault(settings.encryption_keys)
    with database.session() as session:
        session.add(
            Connector(
                kind="zendesk",
                name="support",
                credentials_encrypted=old_vault.encrypt("canary-token"),
            )
        )
    result = run_cli("rotate-keys")
    assert result.exit_code == 0, result.output
    assert "re-encrypted 1 secret(s)" in result.output
    new_keys = load_settings({"CRMHUB_DATA_DIR": str(tmp_path / "var")}).encryption_keys
    assert len(new_keys) == 1
    assert new_keys != settings.encryption_keys
    with database.session() as session:
        stored = session.scalars(select(Connector)).one().credentials_encrypted or ""
    assert Vault(new_keys).decrypt(stored) == "canary-token"
    with pytest.raises(SecretUnreadable):
        old_vault.decrypt(stored)


def test_rotate_keys_from_the_environment(run_cli, database, monkeypatch) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with database.session() as session:
        session.add(
            Connector(
                kind="zendesk",
                name="support",
                credentials_encrypted=Vault([old]).encrypt("canary-token"),
            )
        )
    monkeypatch.setenv("CRMHUB_ENCRYPTION_KEYS", f"{new},{old}")
    result = run_cli("rotate-keys")
    assert result.exit_code == 0, result.output
    assert "you may now remove the other keys" in result.output
    with database.session() as session:
        stored = session.scalars(select(Connector)).one().credentials_encrypted or ""
    assert Vault([new]).decrypt(stored) == "canary-token"


def test_rotate_keys_fails_closed_on_an_unreadable_secret(run_cli, database) -> None:
    stranger = Vault([Fernet.generate_key().decode()]).encrypt("foreign")
    with database.session() as session:
        session.add(Connector(kind="zendesk", name="x", credentials_encrypted=stranger))
    result = run_cli("rotate-keys")
    assert result.exit_code == 1
    assert "rotation stopped, nothing changed" in result.output
    with database.session() as session:
        assert session.scalars(select(Connector)).one().credentials_encrypted == stranger
