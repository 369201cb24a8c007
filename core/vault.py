"""Secrets at rest: OAuth tokens, API keys and webhook secrets, encrypted with MultiFernet.

The first key encrypts, every key decrypts, so a new key can be put in front and the
stored values re-encrypted (``rotate_all``) before the old key is dropped. A value no key
can read fails closed with ``SecretUnreadable``; it is never returned as garbage.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Connector, WebhookEndpoint

# Every encrypted column, so rotation cannot forget one.
ENCRYPTED_COLUMNS: tuple[tuple[type[Any], str], ...] = (
    (Connector, "credentials_encrypted"),
    (WebhookEndpoint, "secret_encrypted"),
    (WebhookEndpoint, "previous_secret_encrypted"),
)


class SecretUnreadable(Exception):
    """No configured key decrypts this value (wrong key, or tampered data)."""


class Vault:
    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise ValueError("at least one encryption key is required")
        self._fernet = MultiFernet([Fernet(key) for key in keys])

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            raise SecretUnreadable("no configured encryption key can read this secret") from None

    def encrypt_json(self, value: dict[str, Any]) -> str:
        return self.encrypt(json.dumps(value, separators=(",", ":")))

    def decrypt_json(self, token: str) -> dict[str, Any]:
        value = json.loads(self.decrypt(token))
        if not isinstance(value, dict):
            raise SecretUnreadable("stored credentials are not an object")
        return value

    def rotate(self, token: str) -> str:
        """Re-encrypt with the first key; raises ``SecretUnreadable`` like ``decrypt``."""
        try:
            return self._fernet.rotate(token.encode()).decode()
        except InvalidToken:
            raise SecretUnreadable("no configured encryption key can read this secret") from None


def rotate_all(session: Session, vault: Vault) -> int:
    """Re-encrypt every stored secret with the vault's first key; returns the count.

    Runs in the caller's transaction: either every value is rotated or none is.
    """
    rotated = 0
    for model, column in ENCRYPTED_COLUMNS:
        attribute = getattr(model, column)
        for row in session.scalars(select(model).where(attribute.is_not(None))):
            setattr(row, column, vault.rotate(getattr(row, column)))
            rotated += 1
    return rotated
