"""Creating a forms source: a Connector row with a fresh secret, kept only encrypted.

The secret is returned once, to be shown to the admin who created the source, and is
stored through the vault like every other credential (key rotation re-encrypts it).
A signing secret is ``whsec_`` + base64 of 32 random bytes, the Standard Webhooks
form; a URL token is ``whsec_`` + 32 random bytes in URL-safe base64, since it sits
in the path of the hook URL.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from connectors.credentials import seal_webhook_secret
from connectors.forms.connector import FormsConnector
from connectors.forms.signature import SECRET_PREFIX
from core.models import Connector
from core.vault import Vault

SECRET_BYTES = 32


class SourceExists(ValueError):
    """A forms source of that name exists already."""


@dataclass(frozen=True)
class CreatedSource:
    connector_id: int
    name: str
    auth: str
    secret: str  # the only time the plaintext secret leaves this module


def create_forms_source(
    session: Session,
    vault: Vault,
    name: str,
    auth: str = "hmac",
    settings: dict[str, Any] | None = None,
) -> CreatedSource:
    """Store a new source in the caller's transaction; ValidationError for bad settings."""
    name = " ".join(name.split())
    if not name or len(name) > 200:
        raise ValueError("a web form needs a name of 1 to 200 characters")
    checked = FormsConnector.validate_settings({**(settings or {}), "auth": auth})
    taken = select(Connector.id).where(
        Connector.kind == FormsConnector.kind, Connector.name == name
    )
    if session.scalar(taken) is not None:
        raise SourceExists(f"a web form named {name!r} exists already")
    secret = new_secret(checked["auth"])
    row = Connector(
        kind=FormsConnector.kind,
        name=name,
        settings=_stored(settings or {}, checked),
        credentials_encrypted=seal_webhook_secret(vault, secret),
        status="active",
    )
    session.add(row)
    session.flush()
    return CreatedSource(int(row.id), name, checked["auth"], secret)


def new_secret(auth: str) -> str:
    raw = secrets.token_bytes(SECRET_BYTES)
    if auth == "token":
        return SECRET_PREFIX + base64.urlsafe_b64encode(raw).decode().rstrip("=")
    return SECRET_PREFIX + base64.b64encode(raw).decode()


def _stored(given: dict[str, Any], checked: dict[str, Any]) -> dict[str, Any]:
    """The settings given, in their checked form; defaults stay unstored so they can change."""
    return {**{name: checked[name] for name in given}, "auth": checked["auth"]}
