"""``crmhub forms add``: the hook URL and secret printed once, the source stored encrypted."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from connectors.credentials import webhook_secret
from core.db import Database
from core.models import AuditEntry, Connector
from core.settings import load_settings
from core.vault import Vault
from web.cli.main import cli


@pytest.fixture
def run_cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database: Database):
    monkeypatch.setenv("CRMHUB_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("CRMHUB_DATABASE_URL", database.url)
    monkeypatch.setenv("CRMHUB_BROKER_URL", f"sqla+sqlite:///{tmp_path / 'broker.db'}")
    monkeypatch.setenv("CRMHUB_BASE_URL", "https://crm.example.com")
    monkeypatch.delenv("CRMHUB_ENCRYPTION_KEYS", raising=False)

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)

    return invoke


def _stored_secret(database: Database, name: str) -> tuple[int, str | None]:
    vault = Vault(load_settings().encryption_keys)
    with database.session() as session:
        row = session.scalars(select(Connector).where(Connector.name == name)).one()
        return row.id, webhook_secret(vault, row.credentials_encrypted)


@pytest.mark.parametrize("auth", ["hmac", "token"])
def test_forms_add_prints_the_hook_url_and_secret_once(
    run_cli, database: Database, auth: str
) -> None:
    result = run_cli("forms", "add", "Contact us", "--auth", auth, "--default-region", "gb")
    assert result.exit_code == 0, result.output
    connector_id, secret = _stored_secret(database, "Contact us")
    assert secret is not None
    assert f"secret: {secret}\n" in result.stdout
    url = f"https://crm.example.com/hooks/{connector_id}"
    expected = f"{url}/{secret}" if auth == "token" else url
    assert f"hook URL: {expected}\n" in result.stdout
    assert "it is not shown again" in result.stderr
    with database.session() as session:
        row = session.get(Connector, connector_id)
        assert row is not None
        assert row.settings == {"default_region": "GB", "auth": auth}
        entry = session.scalars(select(AuditEntry)).one()
    assert (entry.action, entry.target) == ("forms.created", f"connector {connector_id}")
    assert entry.actor.startswith("cli:")
    assert secret not in str(entry.details)


def test_forms_add_refuses_a_taken_name_and_bad_settings(run_cli, database: Database) -> None:
    assert run_cli("forms", "add", "Contact us").exit_code == 0
    taken = run_cli("forms", "add", "Contact us")
    assert taken.exit_code == 1
    assert "web form not added: a web form named 'Contact us' exists already" in taken.output
    bad = run_cli("forms", "add", "Other", "--default-region", "GBR")
    assert bad.exit_code == 1
    assert "default_region" in bad.output
    with database.session() as session:
        assert len(session.scalars(select(Connector)).all()) == 1
