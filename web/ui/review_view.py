"""The review queue's cards: two customers side by side and why they may be one person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.identity import list_review_items
from core.models import Connector, Customer, ReviewItem, SourceRecord
from core.records import values_of
from web.explanations import LinkExplanation, describe_link

SIDE_FIELDS = ("full_name", "emails", "phones", "company_name", "job_title", "address")


@dataclass(frozen=True)
class Side:
    """One customer of the pair, and the record of it that was compared."""

    customer_id: int | None
    values: list[tuple[str, Any]]
    sources: int
    record_id: int
    connector: str
    kind: str
    external_id: str


@dataclass(frozen=True)
class ReviewCard:
    id: int
    reason: str
    created_at: datetime
    left: Side
    right: Side
    explanation: LinkExplanation

    @property
    def same_customer(self) -> bool:
        """Already one customer (merged meanwhile): "same" only closes the item."""
        return self.left.customer_id is not None and self.left.customer_id == self.right.customer_id


def open_count(session: Session) -> int:
    return session.scalar(select(func.count(ReviewItem.id)).where(ReviewItem.status == "open")) or 0


def review_cards(
    session: Session, limit: int, offset: int, order: str = "likely"
) -> list[ReviewCard]:
    items = list_review_items(session, "open", limit=limit, offset=offset, order=order)
    return [_card(session, item) for item in items]


def _card(session: Session, item: dict[str, Any]) -> ReviewCard:
    return ReviewCard(
        id=item["id"],
        reason=item["reason"],
        created_at=item["created_at"],
        left=_side(session, item["candidate"]),
        right=_side(session, item["record"]),
        explanation=describe_link(item["explanation"]),
    )


def _side(session: Session, record: dict[str, Any]) -> Side:
    customer_id = (record.get("customer") or {}).get("id")
    customer = session.get(Customer, customer_id) if customer_id else None
    golden = values_of(customer.golden) if customer is not None else {}
    source = session.get(SourceRecord, record["id"])
    connector = session.get(Connector, source.connector_id) if source is not None else None
    return Side(
        customer_id=customer_id,
        values=[(name, golden[name]) for name in SIDE_FIELDS if golden.get(name)],
        sources=_source_count(session, customer_id),
        record_id=record["id"],
        connector=connector.name if connector is not None else "",
        kind=connector.kind if connector is not None else "",
        external_id=record.get("external_id", ""),
    )


def _source_count(session: Session, customer_id: int | None) -> int:
    if customer_id is None:
        return 0
    query = select(func.count(SourceRecord.id)).where(SourceRecord.customer_id == customer_id)
    return session.scalar(query) or 0
