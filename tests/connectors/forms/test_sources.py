"""Creating forms sources: the secret is returned once and stored only encrypted."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from marshmallow import ValidationError
from sqlalchemy import func, select

from connectors.credentials import webhook_secret
from connectors.forms import SourceExists, create_forms_source
from core.db import Database
from core.models import Connector
from core.vault import Vault, rotate_all

KEY = Fernet.generate_key().decode()


@pytest.mark.parametrize("auth", ["hmac", "token"])
def test_a_source_is_stored_with_its_secret_encrypted(database: Database, auth: str) -> None:
    vault = Vault([KEY])
    with database.session() as session:
        created = create_forms_source(
            session, vault, "  Contact   form ", auth, {"default_region": "de"}
        )
    with database.session() as session:
        row = session.get(Connector, created.connector_id)
        assert row is not None
        assert (row.kind, row.name, row.status) == ("forms", "Contact form", "active")
        assert row.settings == {"default_region": "DE", "auth": auth}
        assert created.secret not in (row.credentials_encrypted or "")
        assert webhook_secret(vault, row.credentials_encrypted) == created.secret


def test_the_secret_survives_key_rotation(database: Database) -> None:
    with database.session() as session:
        created = create_forms_source(session, Vault([KEY]), "Demo form", "hmac")
    new_key = Fernet.generate_key().decode()
    with database.session() as session:
        assert rotate_all(session, Vault([new_key, KEY])) == 1
    with database.session() as session:
        row = session.get(Connector, created.connector_id)
        assert row is not None
        assert webhook_secret(Vault([new_key]), row.credentials_encrypted) == created.secret


def test_a_name_is_used_once_and_bad_settings_store_nothing(database: Database) -> None:
    vault = Vault([KEY])
    with database.session() as session:
        create_forms_source(session, vault, "Contact form")
    with pytest.raises(SourceExists), database.session() as session:
        create_forms_source(session, vault, "Contact form", "token")
    with pytest.raises(ValidationError), database.session() as session:
        create_forms_source(session, vault, "Other form", "password")
    with pytest.raises(ValueError, match="needs a name"), database.session() as session:
        create_forms_source(session, vault, "   ")
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Connector)) == 1
