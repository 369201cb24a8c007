"""Receiving a webhook: verify, check, parse, and store it in the inbox before any 2xx.

``receive`` answers with a Receipt only once the event is committed, so a 2xx always
means "stored". A replay (the same dedupe key for the same connector) finds the row
already there and is answered as a duplicate, without being stored or processed again.
Processing is queued by the caller after the commit; the sweeper covers a lost queue.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect

from connectors.base import InboundRequest, ParsedEvent
from core.db import Database
from core.driver_statements import DriverConnection, DriverStatement, driver_connection
from core.models import InboundEvent
from core.vault import Vault
from webhooks.inbound.limits import check_content, check_size
from webhooks.inbound.options import InboundLimits
from webhooks.inbound.sources import SourceCache, load_source
from webhooks.inbound.stored import kept_headers


@dataclass(frozen=True)
class Receipt:
    event_id: int
    connector_id: int
    duplicate: bool

    @property
    def status(self) -> str:
        return "duplicate" if self.duplicate else "accepted"


def receive(
    database: Database,
    vault: Vault,
    connector_id: int,
    request: InboundRequest,
    limits: InboundLimits | None = None,
    *,
    sources: SourceCache | None = None,
) -> Receipt:
    """Store one webhook; WebhookRejected (with its HTTP status) stores nothing."""
    limits = limits or InboundLimits()
    check_size(request, limits)
    if sources is not None:
        source = sources.load(database, vault, connector_id)
    else:
        with database.session() as session:
            source = load_source(session, vault, connector_id)
    source.connector.verify_webhook(request, source.secret)
    check_content(request, source.connector, limits)
    event = source.connector.parse_webhook(request)
    with driver_connection(database.engine) as connection:  # the store is one statement
        event_id, stored = _store(connection, connector_id, event, request)
    return Receipt(event_id, connector_id, duplicate=not stored)


def mark_unqueued(database: Database, event_id: int) -> None:
    """Say an event's processing could not be queued, so the next sweep queues it."""
    with database.session() as session:
        session.execute(
            update(InboundEvent)
            .where(InboundEvent.id == event_id, InboundEvent.status == "pending")
            .values(queued_at=None)
        )


def _store(
    connection: DriverConnection, connector_id: int, event: ParsedEvent, request: InboundRequest
) -> tuple[int, bool]:
    """(event id, whether this call stored it); a known dedupe key stores nothing.

    Statements compiled once and run on the driver: this is the one write of every
    accepted webhook, and SQLAlchemy's execution machinery cost as much as the insert.
    """
    values = {
        "connector_id": connector_id,
        "dedupe_key": event.dedupe_key,
        "event_type": event.event_type[:100],
        "received_at": request.received_at,
        "headers": kept_headers(request.headers),
        "body": request.body,
        "status": "pending",
        "attempts": 0,
        "error": "",
        "queued_at": request.received_at,
    }
    insert, existing = _statements(connection.dialect, tuple(values))
    inserted = connection.first_row(insert, values)
    if inserted is not None:
        return int(inserted[0]), True
    found = connection.first_row(
        existing, {"connector_id": connector_id, "dedupe_key": event.dedupe_key}
    )
    assert found is not None, "a conflicting row must exist"
    return int(found[0]), False


_cached_statements: dict[tuple[str, tuple[str, ...]], tuple[DriverStatement, DriverStatement]] = {}


def _statements(
    dialect: Dialect, columns: tuple[str, ...]
) -> tuple[DriverStatement, DriverStatement]:
    """The insert of these columns (skipping a known dedupe key) and the lookup of the
    known row, compiled once per dialect."""
    found = _cached_statements.get((dialect.name, columns))
    if found is None:
        table = InboundEvent.__table__
        insert = postgresql.insert if dialect.name == "postgresql" else sqlite.insert
        store = (
            insert(table)
            .on_conflict_do_nothing(index_elements=["connector_id", "dedupe_key"])
            .returning(table.c.id)
        )
        lookup = select(table.c.id).where(
            table.c.connector_id == bindparam("connector_id"),
            table.c.dedupe_key == bindparam("dedupe_key"),
        )
        found = (
            DriverStatement(store, dialect, columns),
            DriverStatement(lookup, dialect, ("connector_id", "dedupe_key")),
        )
        _cached_statements[(dialect.name, columns)] = found
    return found
