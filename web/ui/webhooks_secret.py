"""A signing secret shown exactly once, on the page the create or rotate form leads to.

The form posts, stores the endpoint and redirects; the secret rides in the session to
the next page, encrypted with the vault (the session cookie is signed, not encrypted),
and is taken out as it is shown: a reload finds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import session

from core.vault import SecretUnreadable
from web.context import hub

SESSION_KEY = "webhook_secret"


@dataclass(frozen=True)
class ShownSecret:
    secret: str
    rotated: bool
    old_valid_until: datetime | None


def stash_secret(endpoint_id: int, secret: str, old_valid_until: datetime | None = None) -> None:
    session[SESSION_KEY] = {
        "endpoint_id": endpoint_id,
        "token": hub().vault.encrypt(secret),
        "old_valid_until": old_valid_until.isoformat() if old_valid_until else None,
    }


def take_secret(endpoint_id: int) -> ShownSecret | None:
    """The stashed secret of this endpoint, removed from the session; None after that."""
    stashed = session.get(SESSION_KEY)
    if not isinstance(stashed, dict) or stashed.get("endpoint_id") != endpoint_id:
        return None
    session.pop(SESSION_KEY)
    try:
        secret = hub().vault.decrypt(str(stashed.get("token", "")))
    except SecretUnreadable:
        return None
    until = stashed.get("old_valid_until")
    return ShownSecret(secret, until is not None, datetime.fromisoformat(until) if until else None)
