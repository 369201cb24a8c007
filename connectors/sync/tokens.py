"""Single-flight OAuth refresh: however many workers find the token expired, one refreshes.

Providers rotate refresh tokens and may revoke the whole family when an old one is
used twice, so the refresh happens under the connector row's lock (``FOR UPDATE`` on
PostgreSQL; SQLite's write transactions are serialized already), after re-reading the
stored token: whoever waited finds it fresh and uses it. A revoked grant marks the
account "needs reconnect" and is not retried.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from connectors.sync.errors import NeedsReconnect
from core.db import Database
from core.models import Connector, utcnow
from core.vault import Vault

Credentials = dict[str, Any]
EARLY = timedelta(seconds=60)  # refresh a minute before expiry, not after a 401


def is_fresh(credentials: Credentials, now: datetime) -> bool:
    expires = credentials.get("expires_at")
    if not credentials.get("access_token") or not expires:
        return False
    return datetime.fromisoformat(str(expires)) - EARLY > now


def current_credentials(
    database: Database,
    vault: Vault,
    connector_id: int,
    refresh: Callable[[Credentials], Credentials],
    *,
    rejected: str | None = None,
) -> Credentials:
    """Stored credentials with a valid access token, refreshing at most once.

    ``rejected`` is an access token the provider just refused (401): it is refreshed
    even if it looks unexpired, unless another worker already replaced it.

    ``refresh`` gets the stored credentials and returns the new fields (``access_token``,
    ``expires_at`` ISO text, maybe a rotated ``refresh_token``); it raises NeedsReconnect
    for a revoked or expired grant.
    """
    with database.session() as session:
        stored = _credentials(vault, session.get(Connector, connector_id))
    if _usable(stored, rejected):
        return stored
    revoked: NeedsReconnect | None = None
    with database.session() as session:
        query = select(Connector).where(Connector.id == connector_id).with_for_update()
        row = session.scalars(query.execution_options(populate_existing=True)).one()
        stored = _credentials(vault, row)
        if _usable(stored, rejected):
            return stored  # another worker refreshed while this one waited for the lock
        try:
            stored = {**stored, **refresh(stored)}
        except NeedsReconnect as error:
            row.status = "needs_reconnect"
            row.last_error = str(error)
            revoked = error
        else:
            row.credentials_encrypted = vault.encrypt_json(stored)
            if row.status == "needs_reconnect":
                row.status = "active"
    if revoked is not None:
        raise revoked
    return stored


def _usable(credentials: Credentials, rejected: str | None) -> bool:
    if rejected is not None and credentials.get("access_token") == rejected:
        return False
    return is_fresh(credentials, utcnow())


def _credentials(vault: Vault, row: Connector | None) -> Credentials:
    if row is None:
        raise LookupError("connector not found")
    if row.status == "needs_reconnect":
        raise NeedsReconnect(row.last_error or "the account must be connected again")
    return dict(vault.decrypt_json(row.credentials_encrypted)) if row.credentials_encrypted else {}
