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

from core.db import Database, in_retried_transaction
from core.identity import IdentityOptions
from core.models import utcnow
from webhooks.inbound.batch import MappedClaim, apply_mapped, map_claims
from webhooks.inbound.claims import Claim, claim_batch, settle
from webhooks.inbound.options import InboxOptions
from webhooks.inbound.outcomes import INFRASTRUCTURE, failure_reason


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
    identity = IdentityOptions()
    mapped, failed = map_claims(database, claims, identity)
    for claim, reason in failed:
        result.count(_fail(database, claim, reason))
    for outcome in _apply_all(database, mapped, identity):
        result.count(outcome)
    return result


def _apply_all(
    database: Database, mapped: list[MappedClaim], options: IdentityOptions
) -> list[str]:
    """One transaction for the batch; if it fails, one per event, so only the faulty one fails."""
    if not mapped:
        return []
    try:
        lost = {claim.event_id for claim in _apply_batch(database, mapped, options)}
    except INFRASTRUCTURE:
        raise
    except Exception as exc:
        if len(mapped) == 1:  # this event cannot be applied: it fails, the others do not
            return [_fail(database, mapped[0].claim, failure_reason(exc))]
        return [outcome for item in mapped for outcome in _apply_all(database, [item], options)]
    return ["lost" if item.claim.event_id in lost else "processed" for item in mapped]


def _apply_batch(
    database: Database, mapped: list[MappedClaim], options: IdentityOptions
) -> list[Claim]:
    return in_retried_transaction(database, partial(apply_mapped, batch=mapped, options=options))


def _fail(database: Database, claim: Claim, reason: str) -> str:
    with database.session() as session:
        settled = settle(session, claim, status="failed", error=reason, now=utcnow())
    return reason if settled else "lost"
