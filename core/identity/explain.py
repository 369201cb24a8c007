"""Why a customer looks the way it does: golden values with their sources, the records
and why each was linked, merges, and open reviews. For the UI, the API and exports."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.identity.errors import CustomerNotFound
from core.models import Connector, Customer, CustomerMerge, ReviewItem, SourceRecord


def explain_customer(session: Session, customer_id: int) -> dict[str, Any]:
    """Plain data; a merged-away customer explains itself and names its winner."""
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise CustomerNotFound(customer_id)
    records = _records(session, customer_id)
    by_id = {record["id"]: record for record in records}
    return {
        "id": customer.id,
        "version": customer.version,
        "merged_into_id": customer.merged_into_id,
        "company_id": customer.company_id,
        "golden": {name: _with_source(entry, by_id) for name, entry in customer.golden.items()},
        "pinned": customer.pinned,
        "source_records": records,
        "merges": _merges(session, customer_id),
        "open_reviews": _reviews(session, list(by_id)),
    }


def _records(session: Session, customer_id: int) -> list[dict[str, Any]]:
    rows = session.execute(
        select(SourceRecord, Connector.kind)
        .join(Connector, Connector.id == SourceRecord.connector_id)
        .where(SourceRecord.customer_id == customer_id)
        .order_by(SourceRecord.id)
    )
    return [
        {
            "id": record.id,
            "connector_id": record.connector_id,
            "connector_kind": kind,
            "external_id": record.external_id,
            "link_rule": record.link_rule,
            "link_explanation": record.link_explanation,
            "linked_at": record.linked_at,
            "content_updated_at": record.content_updated_at,
            "mapped": record.mapped,
        }
        for record, kind in rows
    ]


def _with_source(entry: dict[str, Any], records: dict[int, dict[str, Any]]) -> dict[str, Any]:
    source = records.get(entry.get("source_record_id"))
    if source is None:
        return dict(entry)
    origin = {key: source[key] for key in ("connector_id", "connector_kind", "external_id")}
    return {**entry, "source": origin}


def _merges(session: Session, customer_id: int) -> list[dict[str, Any]]:
    query = select(CustomerMerge).where(
        or_(CustomerMerge.winner_id == customer_id, CustomerMerge.loser_id == customer_id)
    )
    return [
        {
            "id": merge.id,
            "winner_id": merge.winner_id,
            "loser_id": merge.loser_id,
            "actor": merge.actor,
            "reason": merge.reason,
            "at": merge.created_at,
            "source_record_ids": merge.source_record_ids,
            "undone_at": merge.undone_at,
            "undone_by": merge.undone_by,
        }
        for merge in session.scalars(query.order_by(CustomerMerge.id))
    ]


def _reviews(session: Session, record_ids: list[int]) -> list[dict[str, Any]]:
    if not record_ids:
        return []
    query = select(ReviewItem).where(
        (ReviewItem.status + "") == "open",  # `status || ''`: the record indexes, not the
        or_(  # status index (SQLite read every open item: see verdicts.open_review_between)
            ReviewItem.source_record_id.in_(record_ids),
            ReviewItem.candidate_record_id.in_(record_ids),
        ),
    )
    return [
        {
            "id": item.id,
            "reason": item.reason,
            "score": item.score,
            "source_record_id": item.source_record_id,
            "candidate_record_id": item.candidate_record_id,
        }
        for item in session.scalars(query.order_by(ReviewItem.id))
    ]
