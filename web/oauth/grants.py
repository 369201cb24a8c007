"""Storing a granted mailbox: one Gmail connector per rep and address.

Connecting an address the rep already has replaces that connector's grant instead of
adding a second connector, so a reconnect resumes from the stored cursor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Connector
from core.vault import Vault

GMAIL = "gmail"
DEFAULT_SETTINGS = {"backfill_days": 90, "page_size": 500}


@dataclass(frozen=True)
class SavedGrant:
    connector_id: int
    created: bool


def find_mailbox(session: Session, user_id: int, address: str) -> Connector | None:
    rows = session.scalars(
        select(Connector).where(Connector.kind == GMAIL, Connector.owner_id == user_id)
    ).all()
    for row in rows:
        if str((row.settings or {}).get("email", row.name)).lower() == address:
            return row
    return None


def save_grant(
    session: Session, vault: Vault, *, user_id: int, address: str, tokens: dict[str, Any]
) -> SavedGrant:
    """Create or refresh the rep's connector for ``address``; tokens are stored encrypted."""
    address = address.strip().lower()
    row = find_mailbox(session, user_id, address)
    created = row is None
    if row is None:
        row = Connector(
            kind=GMAIL,
            name=address,
            owner_id=user_id,
            settings={"email": address, **DEFAULT_SETTINGS},
        )
        session.add(row)
    elif not tokens.get("refresh_token") and row.credentials_encrypted:
        # Google leaves the refresh token out when it was granted before; keep ours.
        previous = vault.decrypt_json(row.credentials_encrypted)
        if previous.get("refresh_token"):
            tokens = {**tokens, "refresh_token": previous["refresh_token"]}
    row.credentials_encrypted = vault.encrypt_json(tokens)
    row.status = "active"
    row.last_error = ""
    session.flush()
    return SavedGrant(row.id, created)
