"""Working off the inbox: claim a batch, apply it in one transaction, or event by event.

Each event's effects and its "processed" mark commit together. A batch is applied in
one transaction (see ``batch``); should that transaction fail, each event is applied in
its own, so an event that cannot be applied is marked "failed" with the reason kept on
it (shown in the UI, where an admin retries it once the cause is fixed) and never stops
the rest of the batch. A lost database connection is not the event's fault: it is
raised, the task fails, and the claim's lease runs out so the sweeper releases the
event for another try.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

from sqlalchemy.orm import Session

from core.db import Database, in_retried_transaction
from core.identity import IdentityOptions
from core.models import InboundEvent, utcnow
from webhooks.inbound.apply import apply_event
from webhooks.inbound.batch import MappedClaim, apply_mapped, map_claims
from webhooks.inbound.claims import Claim, claim_batch, settle
from webhooks.inbound.options import InboxOptions
from webhooks.inbound.outcomes import INFRASTRUCTURE, ConnectorCache, connector_for, failure_reason


@dataclass
class BatchResult:
    claimed: int = 0
    processed: int = 0
    failed: int = 0
    lost: int = 0  # claims another worker had taken over
    full: bool = False  # the batch was full: more events may be waiting
    errors: list[str] = field(default_factory=list)

    def count(self, outcome: str) -> None:
        if outcome == "processed":
            self.processed += 1
        elif outcome == "lost":
            self.lost += 1
        else:
            self.failed += 1
            self.errors.append(outcome)


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
    if not claims:
        return result
    connectors: ConnectorCache = {}
    mapped, failed = map_claims(database, claims, connectors, IdentityOptions())
    for claim, reason in failed:
        result.count(_fail(database, claim, reason))
    for outcome in _apply_all(database, mapped, connectors):
        result.count(outcome)
    return result


def _apply_all(
    database: Database, mapped: list[MappedClaim], connectors: ConnectorCache
) -> list[str]:
    """One transaction for the batch; one per event if that fails."""
    if not mapped:
        return []
    try:
        work = partial(apply_mapped, batch=mapped, options=IdentityOptions())
        lost = {claim.event_id for claim in in_retried_transaction(database, work)}
    except INFRASTRUCTURE:
        raise
    except Exception:  # some event in it cannot be applied: find which, one by one
        return [_process_one(database, item.claim, connectors) for item in mapped]
    return ["lost" if item.claim.event_id in lost else "processed" for item in mapped]


def _process_one(database: Database, claim: Claim, connectors: ConnectorCache) -> str:
    """'processed', 'lost', or the reason the event failed (kept on the event)."""
    try:
        return in_retried_transaction(database, partial(_apply, claim=claim, connectors=connectors))
    except INFRASTRUCTURE:
        raise
    except Exception as exc:  # one bad event never costs the batch
        return _fail(database, claim, failure_reason(exc))


def _fail(database: Database, claim: Claim, reason: str) -> str:
    with database.session() as session:
        settled = settle(session, claim, status="failed", error=reason, now=utcnow())
    return reason if settled else "lost"


def _apply(session: Session, claim: Claim, connectors: ConnectorCache) -> str:
    if not settle(session, claim, status="processed", error="", now=utcnow()):
        return "lost"
    event = session.get(InboundEvent, claim.event_id)
    assert event is not None, "a settled event exists"
    apply_event(session, connector_for(session, claim.connector_id, connectors), event)
    return "processed"
