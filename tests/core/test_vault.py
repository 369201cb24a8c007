import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from core.db import Database
from core.models import Connector, WebhookEndpoint
from core.vault import SecretUnreadable, Vault, rotate_all


def test_round_trip_and_ciphertext_hides_the_plaintext() -> None:
    vault = Vault([Fernet.generate_key().decode()])
    token = vault.encrypt("sk_live_canary")
    assert "canary" not in token
    assert vault.decrypt(token) == "sk_live_canary"
    assert vault.decrypt_json(vault.encrypt_json({"refresh_token": "r"})) == {"refresh_token": "r"}


def test_wrong_key_fails_closed() -> None:
    token = Vault([Fernet.generate_key().decode()]).encrypt("secret")
    with pytest.raises(SecretUnreadable):
        Vault([Fernet.generate_key().decode()]).decrypt(token)


def test_rotate_all_reencrypts_every_column_with_the_new_key(database: Database) -> None:
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    old = Vault([old_key])
    with database.session() as session:
        session.add(Connector(kind="gmail", name="ann", credentials_encrypted=old.encrypt("tok")))
        session.add(
            WebhookEndpoint(
                url="https://h.example/",
                secret_encrypted=old.encrypt("s1"),
                previous_secret_encrypted=old.encrypt("s0"),
            )
        )
    with database.session() as session:
        assert rotate_all(session, Vault([new_key, old_key])) == 3
    only_new = Vault([new_key])
    with database.session() as session:
        connector = session.scalars(select(Connector)).one()
        endpoint = session.scalars(select(WebhookEndpoint)).one()
        assert only_new.decrypt(connector.credentials_encrypted or "") == "tok"
        assert only_new.decrypt(endpoint.secret_encrypted) == "s1"
        assert only_new.decrypt(endpoint.previous_secret_encrypted or "") == "s0"
        with pytest.raises(SecretUnreadable):
            old.decrypt(endpoint.secret_encrypted)
