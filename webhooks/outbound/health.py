"""Endpoint health: when an endpoint started failing, and when it is switched off.

Any success clears ``failing_since``. The first failure after a success sets it. An
endpoint that answers 410 Gone, or that has failed without a single success for the
configured period (5 days by default), is disabled with the reason in
``disabled_reason`` — ``failing_since`` stays set as the flag the admin pages show.
Writes are conditional, so a batch only touches an endpoint whose state changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from core.models import WebhookEndpoint
from webhooks.outbound.claims import Claim
from webhooks.outbound.options import DeliveryOptions
from webhooks.outbound.payload import iso_utc
from webhooks.outbound.sender import Outcome


@dataclass
class _Verdict:
    failing_since: datetime | None  # as the claim saw it
    succeeded: bool = False
    gone_at: datetime | None = None
    first_failure: datetime | None = None
    last_failure: datetime | None = None


def apply_health(
    session: Session, results: Sequence[tuple[Claim, Outcome]], options: DeliveryOptions
) -> None:
    """Update each endpoint of the batch whose health changed."""
    for endpoint_id, verdict in _verdicts(results).items():
        if verdict.succeeded:
            _recovered(session, endpoint_id, verdict)
        elif verdict.gone_at is not None:
            _disable(session, endpoint_id, f"answered 410 Gone on {iso_utc(verdict.gone_at)}")
        else:
            _failing(session, endpoint_id, verdict, options)


def _verdicts(results: Sequence[tuple[Claim, Outcome]]) -> dict[int, _Verdict]:
    verdicts: dict[int, _Verdict] = {}
    for claim, outcome in results:
        verdict = verdicts.setdefault(claim.endpoint_id, _Verdict(claim.failing_since))
        if outcome.succeeded:
            verdict.succeeded = True
            continue
        if outcome.gone:
            verdict.gone_at = outcome.at
        verdict.first_failure = min(verdict.first_failure or outcome.at, outcome.at)
        verdict.last_failure = max(verdict.last_failure or outcome.at, outcome.at)
    return verdicts


def _recovered(session: Session, endpoint_id: int, verdict: _Verdict) -> None:
    if verdict.failing_since is None:
        return
    session.execute(
        update(WebhookEndpoint)
        .where(WebhookEndpoint.id == endpoint_id, WebhookEndpoint.failing_since.is_not(None))
        .values(failing_since=None)
    )


def _failing(
    session: Session, endpoint_id: int, verdict: _Verdict, options: DeliveryOptions
) -> None:
    first, last = verdict.first_failure, verdict.last_failure
    if first is None or last is None:
        return
    if verdict.failing_since is None:
        session.execute(
            update(WebhookEndpoint)
            .where(WebhookEndpoint.id == endpoint_id, WebhookEndpoint.failing_since.is_(None))
            .values(failing_since=first)
        )
        return
    if last - verdict.failing_since < options.disable_after:
        return
    days = options.disable_after_seconds / 86400
    _disable(
        session,
        endpoint_id,
        f"failed continuously since {iso_utc(verdict.failing_since)} ({days:g} days or more)",
        failing_before=last - options.disable_after,
    )


def _disable(
    session: Session, endpoint_id: int, reason: str, failing_before: datetime | None = None
) -> None:
    conditions = [WebhookEndpoint.id == endpoint_id, WebhookEndpoint.enabled.is_(True)]
    if failing_before is not None:  # still failing as long as we think (no success since)
        conditions.append(WebhookEndpoint.failing_since <= failing_before)
    session.execute(
        update(WebhookEndpoint).where(*conditions).values(enabled=False, disabled_reason=reason)
    )
