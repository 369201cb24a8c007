"""The connector a hook URL names, ready to verify and parse: or the reason it is not.

An unknown id, a connector that is not active, or one whose tool pushes nothing are
all "no such hook" (404), so a caller learns nothing about which ids exist.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from marshmallow import ValidationError
from sqlalchemy.orm import Session

from connectors.base import Connector, WebhookRejected
from connectors.credentials import webhook_secret
from connectors.registry import connector_class
from core.db import Database
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


class SourceCache:
    """Sources read in the last few seconds, so a burst of webhooks reads each one once.

    Reading the connector row and decrypting its secret cost as much as storing the
    event; under load the same few sources answer thousands of posts. The price is a
    short delay: a source paused, deleted or given a new secret keeps accepting with
    its old state for at most ``ttl`` seconds in each web process. Refusals are never
    cached, so a source created a moment ago works at once.
    """

    def __init__(self, ttl: float = 5.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self._clock = clock
        self._entries: dict[int, tuple[float, Source]] = {}
        self._lock = threading.Lock()

    def load(self, database: Database, vault: Vault, connector_id: int) -> Source:
        now = self._clock()
        with self._lock:
            entry = self._entries.get(connector_id)
        if entry is not None and now - entry[0] < self.ttl:
            return entry[1]
        with database.session() as session:
            source = load_source(session, vault, connector_id)
        with self._lock:
            self._entries[connector_id] = (now, source)
        return source
