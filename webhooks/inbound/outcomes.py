"""What processing needs on every path: the event's connector and the words for a failure."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session

from connectors.base import Connector, UnusableEvent, WebhookRejected
from core.db import describe_db_error
from core.models import Connector as ConnectorRow
from webhooks.inbound.sources import build_connector

MAX_ERROR_CHARS = 2000
CONNECTOR_GONE = "the source of this event no longer takes webhooks"
# The database itself is unwell: not the event's fault, so never kept as its failure.
INFRASTRUCTURE = (OperationalError, InterfaceError, DisconnectionError, PoolTimeout)

ConnectorCache = dict[int, Connector | str]


def connector_for(session: Session, connector_id: int, cache: ConnectorCache) -> Connector:
    """The event's connector, built once per batch; UnusableEvent when it cannot be."""
    if connector_id not in cache:
        row = session.get(ConnectorRow, connector_id)
        try:
            cache[connector_id] = build_connector(row) if row is not None else CONNECTOR_GONE
        except WebhookRejected as rejected:
            cache[connector_id] = rejected.reason
    found = cache[connector_id]
    if isinstance(found, str):
        raise UnusableEvent(found)
    return found


def failure_reason(exc: Exception) -> str:
    """The text kept with a failed event: plain for known problems, typed otherwise."""
    if isinstance(exc, UnusableEvent | WebhookRejected):
        text = str(exc)
    elif isinstance(exc, DBAPIError):
        text = f"database error: {describe_db_error(exc)}"
    else:
        text = f"{type(exc).__name__}: {exc}"
    return text[:MAX_ERROR_CHARS]
