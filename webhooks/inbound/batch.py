"""Applying a claimed batch in one transaction: one identity pass and one commit.

Applying events one by one pays a commit and an identity-resolution setup per event;
the batch pays them once, and resolves its customers together (later events see the
customers earlier ones created). Parsing, mapping and feature extraction happen before
the transaction opens, so the write lock is held only for the writes. An event that
cannot be parsed or mapped fails on its own there; the caller falls back to one
transaction per event if the batch's transaction fails, so one event's surprise still
costs only that event.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from connectors.base import Connector, InboundRequest, UnusableEvent
from core.activities import ActivityEntry, ActivityInput, activity_from_mapped, log_activities
from core.db import Database
from core.identity import IdentityOptions, IngestResult, ingest_prepared, prepare_items
from core.identity.pending import Pending
from core.models import InboundEvent, utcnow
from webhooks.inbound.claims import Claim, settle_processed
from webhooks.inbound.outcomes import INFRASTRUCTURE, ConnectorCache, connector_for, failure_reason
from webhooks.inbound.stored import stored_request


@dataclass
class MappedClaim:
    """A claimed event, parsed and mapped, waiting for the batch's transaction."""

    claim: Claim
    customer: Pending | None
    activity: ActivityInput | None


def map_claims(
    database: Database, claims: list[Claim], options: IdentityOptions
) -> tuple[list[MappedClaim], list[tuple[Claim, str]]]:
    """The events ready to apply, and those that failed with the reason to keep.

    One read for the stored requests and their connectors, taking no write lock (the
    web processes need it to store new events); parsing, mapping and features run
    after it.
    """
    connectors: ConnectorCache = {}
    unusable: dict[int, str] = {}
    with database.reading() as session:
        rows = session.scalars(
            select(InboundEvent).where(InboundEvent.id.in_([claim.event_id for claim in claims]))
        )
        requests = {event.id: stored_request(event) for event in rows}
        for connector_id in {claim.connector_id for claim in claims}:
            try:
                connector_for(session, connector_id, connectors)
            except UnusableEvent as exc:
                unusable[connector_id] = failure_reason(exc)
    mapped: list[MappedClaim] = []
    failed: list[tuple[Claim, str]] = []
    for claim in claims:
        if claim.connector_id in unusable:
            failed.append((claim, unusable[claim.connector_id]))
            continue
        try:
            connector = connectors[claim.connector_id]
            assert not isinstance(connector, str), "checked above"
            mapped.append(_mapped(claim, connector, requests[claim.event_id], options))
        except INFRASTRUCTURE:
            raise
        except Exception as exc:  # the event's own fault: it fails alone
            failed.append((claim, failure_reason(exc)))
    return mapped, failed


def apply_mapped(
    session: Session, batch: list[MappedClaim], options: IdentityOptions
) -> list[Claim]:
    """Apply the batch in the caller's transaction; the claims another worker took over."""
    settled = settle_processed(session, [item.claim for item in batch], utcnow())
    ours = [item for item in batch if item.claim.event_id in settled]
    results = _customers(session, ours, options)
    entries: list[ActivityEntry] = []
    for item in ours:
        if item.activity is None:
            continue
        result = results.get(item.claim.event_id)
        if result is None or result.customer_id is None:
            entries.append(ActivityEntry(item.activity))
        else:
            links = {result.customer_id: result.source_record_id}
            entries.append(ActivityEntry(item.activity, [result.customer_id], (), links))
    log_activities(session, entries)
    return [item.claim for item in batch if item.claim.event_id not in settled]


def _customers(
    session: Session, batch: list[MappedClaim], options: IdentityOptions
) -> dict[int, IngestResult]:
    """Identity resolution for the batch's customers, one pass per connector, in order."""
    by_connector: dict[int, list[MappedClaim]] = defaultdict(list)
    for item in batch:
        if item.customer is not None:
            by_connector[item.claim.connector_id].append(item)
    results: dict[int, IngestResult] = {}
    for connector_id, items in by_connector.items():
        pendings = [item.customer for item in items if item.customer is not None]
        for position, pending in enumerate(pendings):
            pending.position = position  # a claim lost to another worker leaves no gap
        ingested = ingest_prepared(session, connector_id, pendings, options)
        for item, result in zip(items, ingested, strict=True):
            results[item.claim.event_id] = result
    return results


def _mapped(
    claim: Claim, connector: Connector, request: InboundRequest, options: IdentityOptions
) -> MappedClaim:
    mapped = connector.map_webhook(connector.parse_webhook(request))
    activity = None
    if mapped.activity is not None:
        activity = activity_from_mapped(mapped.activity, connector_id=claim.connector_id)
    customer = None
    if mapped.customer is not None:
        item = (mapped.customer.external_id, mapped.customer.raw, mapped.customer.mapped)
        [customer] = prepare_items([item], options)
    return MappedClaim(claim, customer, activity)
