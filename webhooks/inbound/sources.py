"""The connector a hook URL names, ready to verify and parse: or the reason it is not.

An unknown id, a connector that is not active, or one whose tool pushes nothing are
all "no such hook" (404), so a caller learns nothing about which ids exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from marshmallow import ValidationError
from sqlalchemy.orm import Session

from connectors.base import Connector, WebhookRejected
from connectors.credentials import webhook_secret
from connectors.registry import connector_class
from core.models import Connector as ConnectorRow
from core.vault import SecretUnreadable, Vault

NO_SUCH_HOOK = "there is no webhook source at this address"
BROKEN_SOURCE = "this webhook source is misconfigured; an administrator has been told"


@dataclass(frozen=True)
class Source:
    connector_id: int
    connector: Connector
    secret: str | None


def load_source(session: Session, vault: Vault, connector_id: int) -> Source:
    """The active connector of that id, with its secret; WebhookRejected otherwise."""
    row = session.get(ConnectorRow, connector_id)
    if row is None or row.status != "active":
        raise WebhookRejected(404, NO_SUCH_HOOK)
    connector = build_connector(row)
    try:
        secret = webhook_secret(vault, row.credentials_encrypted)
    except SecretUnreadable:
        raise WebhookRejected(503, BROKEN_SOURCE) from None
    return Source(connector_id, connector, secret)


def build_connector(row: ConnectorRow) -> Connector:
    """The connector object for a row that takes webhooks; WebhookRejected otherwise."""
    try:
        cls = connector_class(row.kind)
    except LookupError:
        raise WebhookRejected(404, NO_SUCH_HOOK) from None
    if not cls.takes_webhooks():
        raise WebhookRejected(404, NO_SUCH_HOOK)
    try:
        return cls(row.settings or {})
    except ValidationError:
        raise WebhookRejected(503, BROKEN_SOURCE) from None
