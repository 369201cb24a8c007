"""Working off the inbox: claim a batch, apply each event in its own transaction.

Each event's effects and its "processed" mark commit together. An event that cannot be
applied is marked "failed" with the reason kept on it (shown in the UI, where an admin
retries it once the cause is fixed); it never stops the rest of the batch. A lost
database connection is not the event's fault: it is raised, the task fails, and the
claim's lease runs out so the sweeper releases the event for another try.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session

from connectors.base import Connector, UnusableEvent, WebhookRejected
from core.db import Database, describe_db_error
from core.models import Connector as ConnectorRow
from core.models import InboundEvent, utcnow
from webhooks.inbound.apply import apply_event
from webhooks.inbound.claims import Claim, claim_batch, settle
from webhooks.inbound.options import InboxOptions
from webhooks.inbound.sources import build_connector

RETRYABLE_SQLSTATES = ("40P01", "40001")  # deadlock detected, serialization failure
ATTEMPTS = 3
MAX_ERROR_CHARS = 2000
CONNECTOR_GONE = "the source of this event no longer takes webhooks"
INFRASTRUCTURE = (OperationalError, InterfaceError, DisconnectionError, PoolTimeout)


@dataclass
class BatchResult:
    claimed: int = 0
    processed: int = 0
    failed: int = 0
    lost: int = 0  # claims another worker had taken over
    full: bool = False  # the batch was full: more events may be waiting
    errors: list[str] = field(default_factory=list)


def process_batch(
    database: Database, *, connector_id: int | None = None, options: InboxOptions | None = None
) -> BatchResult:
    """Claim and process one batch of pending events (of one connector, or of all)."""
    options = options or InboxOptions()
    with database.session() as session:
        claims = claim_batch(
            session,
            utcnow(),
            batch_size=options.batch_size,
            max_attempts=options.max_attempts,
            connector_id=connector_id,
        )
    result = BatchResult(claimed=len(claims), full=len(claims) >= options.batch_size)
    connectors: dict[int, Connector | str] = {}
    for claim in claims:
        outcome = _process_one(database, claim, connectors)
        if outcome == "processed":
            result.processed += 1
        elif outcome == "lost":
            result.lost += 1
        else:
            result.failed += 1
            result.errors.append(outcome)
    return result


def _process_one(database: Database, claim: Claim, connectors: dict[int, Connector | str]) -> str:
    """'processed', 'lost', or the reason the event failed (kept on the event)."""
    try:
        return _retrying(database, claim, connectors)
    except INFRASTRUCTURE:
        raise
    except Exception as exc:  # one bad event never costs the batch
        reason = _reason(exc)
    with database.session() as session:
        settled = settle(session, claim, status="failed", error=reason, now=utcnow())
    return reason if settled else "lost"


def _retrying(database: Database, claim: Claim, connectors: dict[int, Connector | str]) -> str:
    """Apply in one transaction; on PostgreSQL a deadlock victim tries again."""
    for attempt in range(ATTEMPTS):
        try:
            with database.session() as session:
                return _apply(session, claim, connectors)
        except DBAPIError as exc:
            state = getattr(exc.orig, "sqlstate", None)
            if state not in RETRYABLE_SQLSTATES or attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _apply(session: Session, claim: Claim, connectors: dict[int, Connector | str]) -> str:
    if not settle(session, claim, status="processed", error="", now=utcnow()):
        return "lost"
    event = session.get(InboundEvent, claim.event_id)
    assert event is not None, "a settled event exists"
    apply_event(session, _connector(session, claim.connector_id, connectors), event)
    return "processed"


def _connector(
    session: Session, connector_id: int, connectors: dict[int, Connector | str]
) -> Connector:
    """The event's connector, built once per batch; UnusableEvent when it cannot be."""
    if connector_id not in connectors:
        row = session.get(ConnectorRow, connector_id)
        try:
            connectors[connector_id] = build_connector(row) if row is not None else CONNECTOR_GONE
        except WebhookRejected as rejected:
            connectors[connector_id] = rejected.reason
    found = connectors[connector_id]
    if isinstance(found, str):
        raise UnusableEvent(found)
    return found


def _reason(exc: Exception) -> str:
    """The text kept with a failed event: plain for known problems, typed otherwise."""
    if isinstance(exc, UnusableEvent | WebhookRejected):
        text = str(exc)
    elif isinstance(exc, DBAPIError):
        text = f"database error: {describe_db_error(exc)}"
    else:
        text = f"{type(exc).__name__}: {exc}"
    return text[:MAX_ERROR_CHARS]
