"""Writing a batch's results: the attempt log, each delivery's next step, endpoint health.

One transaction per batch, a handful of statements whatever the batch size: attempts are
inserted and deliveries updated with executemany. Each delivery update is fenced by its
claim (``next_attempt_at`` still equal to the lease), so a result that arrives after its
lease ran out changes nothing another worker has since done.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy.orm import Session

from core.models import Delivery, DeliveryAttempt
from webhooks.outbound.claims import Claim
from webhooks.outbound.health import apply_health
from webhooks.outbound.options import DeliveryOptions
from webhooks.outbound.schedule import next_attempt_at
from webhooks.outbound.sender import Outcome

Result = tuple[Claim, Outcome]
_deliveries = Delivery.__table__


def record_results(
    session: Session, results: Sequence[Result], options: DeliveryOptions, now: datetime
) -> None:
    """Log every attempt, schedule or finish every delivery, update endpoint health."""
    if not results:
        return
    session.execute(insert(DeliveryAttempt.__table__), [_attempt_row(c, o) for c, o in results])
    session.execute(_fenced_update(), [_delivery_change(c, o, options, now) for c, o in results])
    apply_health(session, results, options)


def _attempt_row(claim: Claim, outcome: Outcome) -> dict[str, Any]:
    return {
        "delivery_id": claim.delivery_id,
        "at": outcome.at,
        "status_code": outcome.status_code,
        "latency_ms": outcome.latency_ms,
        "response_excerpt": outcome.excerpt,
        "error": outcome.error,
    }


def _delivery_change(
    claim: Claim, outcome: Outcome, options: DeliveryOptions, now: datetime
) -> dict[str, Any]:
    status, when = "succeeded", None
    if not outcome.succeeded:
        when = None if outcome.gone else _retry_time(claim, outcome, options)
        status = "pending" if when is not None else "failed"
    return {
        "b_id": claim.delivery_id,
        "b_lease": claim.lease,
        "b_status": status,
        "b_next": when,
        "b_code": outcome.status_code,
        "b_error": outcome.error,
        "b_now": now,
    }


def _retry_time(claim: Claim, outcome: Outcome, options: DeliveryOptions) -> datetime | None:
    return next_attempt_at(claim.attempt, outcome.at, options.retry_schedule, outcome.retry_after)


def _fenced_update() -> Any:
    return (
        update(_deliveries)
        .where(
            _deliveries.c.id == bindparam("b_id"),
            _deliveries.c.next_attempt_at == bindparam("b_lease"),
            _deliveries.c.status == "pending",
        )
        .values(
            status=bindparam("b_status"),
            next_attempt_at=bindparam("b_next"),
            last_status_code=bindparam("b_code"),
            last_error=bindparam("b_error"),
            updated_at=bindparam("b_now"),
        )
    )
