"""The review queue: possible duplicates with their explanation, and people's decisions.

"Different" is stored for every pair of records across the two customers, so the same
question is never asked again, whatever merges or rebuilds follow; "same" merges.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.identity.candidates import CustomerRef, NewCustomer, customer_id_of
from core.identity.errors import IdentityError, ReviewItemNotFound
from core.identity.ids import assign_new_ids
from core.identity.merge import merge_customers
from core.identity.pending import Pending
from core.identity.resolve import ReviewIntent
from core.identity.verdicts import (
    close_reviews,
    non_match_between,
    open_review_between,
    record_non_matches,
    records_of,
)
from core.models import REVIEW_STATUSES, Customer, ReviewItem, SourceRecord, utcnow

DECISIONS = ("same", "different")
# "key_conflict" sorts before "probable_match": the likely order is the index's order.
REVIEW_ORDERS = {
    "likely": (ReviewItem.reason, ReviewItem.score.desc(), ReviewItem.id.desc()),
    "newest": (ReviewItem.created_at.desc(), ReviewItem.id.desc()),
}


def open_reviews(
    session: Session,
    items: Sequence[Pending],
    customers: Mapping[CustomerRef, Customer],
    *,
    check_new: bool = False,
) -> None:
    """Queue each distinct pair of customers a chunk's decisions asked about, once.

    A customer created in this chunk holds only new records, which nobody has judged
    or queued yet, so only pairs of older customers (or any pair, with ``check_new``,
    during a rebuild) are checked against the stored verdicts and queue.
    """
    new = {row.id for ref, row in customers.items() if isinstance(ref, NewCustomer)}
    seen: set[frozenset[int]] = set()
    for item in items:
        left = item.record.customer_id
        for intent in item.decision.reviews:
            right = customer_id_of(intent.candidate.customer, customers)
            candidate = intent.candidate.current_record_id
            pair = frozenset((left, right))
            if candidate is None or right is None or left == right or pair in seen:
                continue
            seen.add(pair)
            fresh = not check_new and (left in new or right in new)
            if fresh or review_allowed(session, left, right):
                session.add(_item(item.record.id, candidate, intent))
    assign_new_ids(session, ReviewItem)


def _item(record_id: int, candidate_id: int, intent: ReviewIntent) -> ReviewItem:
    return ReviewItem(
        status="open",
        reason=intent.reason,
        source_record_id=record_id,
        candidate_record_id=candidate_id,
        score=intent.score,
        explanation=intent.explanation,
    )


def review_allowed(session: Session, left: int, right: int) -> bool:
    """False when the customers were judged different or are already in the queue."""
    left_ids, right_ids = records_of(session, left), records_of(session, right)
    if non_match_between(session, left_ids, right_ids):
        return False
    return not open_review_between(session, left_ids, right_ids)


def list_review_items(
    session: Session,
    status: str = "open",
    limit: int = 50,
    offset: int = 0,
    order: str = "newest",
) -> list[dict[str, Any]]:
    """Items with both records and their current customers, newest or likeliest first.

    "likely": records sharing an email or phone with two customers first (a shared key
    is the strongest evidence there is), then the scored pairs, highest score first. A
    large import can queue hundreds of thousands of items; read likeliest first, the
    first pages hold the duplicates and the last the namesakes. Both orders follow an
    index, so a page costs the same at any depth of the queue but the offset's walk.
    """
    if status not in REVIEW_STATUSES:
        raise IdentityError(f"unknown review status '{status}'")
    if order not in REVIEW_ORDERS:
        known = ", ".join(REVIEW_ORDERS)
        raise IdentityError(f"unknown review order '{order}': use one of {known}")
    query = (
        select(ReviewItem)
        .where(ReviewItem.status == status)
        .order_by(*REVIEW_ORDERS[order])
        .limit(limit)
        .offset(offset)
    )
    return [review_view(session, item) for item in session.scalars(query)]


def decide_review(
    session: Session, item_id: int, decision: Literal["same", "different"], *, actor: str
) -> dict[str, Any]:
    """Apply a person's decision; "same" merges the newer customer into the older one."""
    if decision not in DECISIONS:
        raise IdentityError("a review decision is either 'same' or 'different'")
    item = session.get(ReviewItem, item_id)
    if item is None:
        raise ReviewItemNotFound(item_id)
    if item.status != "open":
        raise IdentityError(f"review item {item_id} was already decided ({item.status})")
    left, right = _customers_of(session, item.source_record_id, item.candidate_record_id)
    if decision == "same" and left is not None and right is not None and left != right:
        winner, loser = sorted((left, right))
        merge_customers(session, winner, loser, actor=actor, reason=f"review {item.id}")
    if decision == "different" and left is not None and right is not None and left != right:
        left_ids, right_ids = records_of(session, left), records_of(session, right)
        record_non_matches(session, left_ids, right_ids, actor=actor, reason=f"review {item.id}")
        close_reviews(session, left_ids, right_ids, status="different", actor=actor)
    item.status, item.decided_at, item.decided_by = decision, utcnow(), actor
    session.flush()
    return review_view(session, item)


def review_view(session: Session, item: ReviewItem) -> dict[str, Any]:
    """Plain data for the UI and the API."""
    return {
        "id": item.id,
        "status": item.status,
        "reason": item.reason,
        "score": item.score,
        "explanation": item.explanation,
        "created_at": item.created_at,
        "decided_at": item.decided_at,
        "decided_by": item.decided_by,
        "record": _record_view(session, item.source_record_id),
        "candidate": _record_view(session, item.candidate_record_id),
    }


def _record_view(session: Session, record_id: int) -> dict[str, Any]:
    record = session.get(SourceRecord, record_id)
    if record is None:
        return {"id": record_id}
    customer = session.get(Customer, record.customer_id) if record.customer_id else None
    return {
        "id": record.id,
        "connector_id": record.connector_id,
        "external_id": record.external_id,
        "mapped": record.mapped,
        "customer": None
        if customer is None
        else {
            "id": customer.id,
            "full_name": customer.full_name,
            "primary_email": customer.primary_email,
            "primary_phone": customer.primary_phone,
        },
    }


def _customers_of(session: Session, *record_ids: int) -> tuple[int | None, ...]:
    rows = session.execute(
        select(SourceRecord.id, SourceRecord.customer_id).where(SourceRecord.id.in_(record_ids))
    )
    found = dict(rows.all())
    return tuple(found.get(record_id) for record_id in record_ids)
