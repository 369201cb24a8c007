"""How a connector's webhook secret is kept: one field of its encrypted credentials.

Every connector that verifies pushed events reads its secret the same way, so the
receiver need not know which tool it serves, and key rotation covers the secret with
the rest of ``connectors.credentials_encrypted``.
"""

from __future__ import annotations

from core.vault import Vault

WEBHOOK_SECRET_KEY = "webhook_secret"  # noqa: S105 - the name of the stored field


def seal_webhook_secret(vault: Vault, secret: str) -> str:
    """The value to store in ``credentials_encrypted`` for a new secret."""
    return vault.encrypt_json({WEBHOOK_SECRET_KEY: secret})


def webhook_secret(vault: Vault, credentials_encrypted: str | None) -> str | None:
    """The stored secret, or None when the connector has none; SecretUnreadable fails closed."""
    if not credentials_encrypted:
        return None
    value = vault.decrypt_json(credentials_encrypted).get(WEBHOOK_SECRET_KEY)
    return value if isinstance(value, str) and value else None
