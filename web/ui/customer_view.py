"""What the customer page shows, gathered in one session as plain data.

``core.identity.explain_customer`` gives the golden fields with their lineage, the
linked records with their link explanations and the merges; this module adds what a
person needs to read them: connector names, each list item's own source, the timeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.identity import explain_customer
from core.models import Activity, ActivityCustomer, ActivityRep, Connector, Customer
from web.explanations import LinkExplanation, describe_link

FIELD_ORDER = (
    "full_name",
    "given_name",
    "family_name",
    "emails",
    "phones",
    "company_name",
    "company_domains",
    "job_title",
    "address",
    "birth_date",
    "lifecycle_stage",
    "owner",
    "lead_source",
    "tags",
    "custom_fields",
)
TIMELINE_LIMIT = 100
SUMMARY_FIELDS = ("full_name", "given_name", "family_name", "emails", "phones", "company_name")


@dataclass(frozen=True)
class SourceRef:
    record_id: int
    connector: str  # the connector's name, e.g. "Support desk"
    kind: str  # the connector kind, e.g. "zendesk"
    external_id: str


@dataclass(frozen=True)
class GoldenRow:
    name: str
    value: Any
    rule: str
    changed_at: str | None
    source: SourceRef | None
    items: list[tuple[str, SourceRef | None]]  # list fields: each value with its source
    pinned_by: str = ""

    @property
    def pinned(self) -> bool:
        return self.rule == "pinned"


@dataclass(frozen=True)
class LinkedRecord:
    source: SourceRef
    link_rule: str
    linked_at: datetime | None
    link: LinkExplanation
    says: list[tuple[str, Any]]  # what this record itself says, for comparison


@dataclass(frozen=True)
class TimelineEntry:
    type: str
    subject: str
    occurred_at: datetime
    direction: str
    private: bool


@dataclass(frozen=True)
class CustomerPage:
    id: int
    name: str
    email: str | None
    phone: str | None
    company: str
    version: int
    created_at: datetime
    updated_at: datetime
    golden: list[GoldenRow]
    records: list[LinkedRecord]
    merges: list[dict[str, Any]]
    open_reviews: int
    timeline: list[TimelineEntry]


def customer_page(session: Session, customer_id: int, viewer_id: int) -> CustomerPage:
    """Raises CustomerNotFound; the caller redirects merged customers before asking."""
    explained = explain_customer(session, customer_id)
    customer = session.get(Customer, customer_id)
    assert customer is not None  # explain_customer has just found it
    refs = _source_refs(session, explained["source_records"])
    golden = explained["golden"]
    return CustomerPage(
        id=customer.id,
        name=customer.full_name,
        email=customer.primary_email,
        phone=customer.primary_phone,
        company=str((golden.get("company_name") or {}).get("value") or ""),
        version=customer.version,
        created_at=customer.created_at,
        updated_at=customer.updated_at,
        golden=[_golden_row(name, golden[name], refs) for name in FIELD_ORDER if name in golden],
        records=[_linked(record, refs) for record in explained["source_records"]],
        merges=list(reversed(explained["merges"])),
        open_reviews=len(explained["open_reviews"]),
        timeline=timeline(session, customer_id, viewer_id),
    )


def survivor_of(session: Session, customer_id: int) -> int | None:
    """The customer a merged-away id now lives in (following later merges); None if none."""
    seen = {customer_id}
    customer = session.get(Customer, customer_id)
    while customer is not None and customer.merged_into_id is not None:
        if customer.merged_into_id in seen:
            return None
        seen.add(customer.merged_into_id)
        customer = session.get(Customer, customer.merged_into_id)
    return customer.id if customer is not None and customer.id != customer_id else None


def timeline(session: Session, customer_id: int, viewer_id: int) -> list[TimelineEntry]:
    """Newest first; a private conversation shows its subject only to its own reps."""
    rows = session.scalars(
        select(Activity)
        .join(ActivityCustomer, ActivityCustomer.activity_id == Activity.id)
        .where(ActivityCustomer.customer_id == customer_id)
        .order_by(Activity.occurred_at.desc(), Activity.id.desc())
        .limit(TIMELINE_LIMIT)
    ).all()
    private_ids = [row.id for row in rows if row.private]
    own = _own_activities(session, private_ids, viewer_id)
    return [
        TimelineEntry(
            type=row.type,
            subject=row.subject if not row.private or row.id in own else "",
            occurred_at=row.occurred_at,
            direction=row.direction,
            private=bool(row.private),
        )
        for row in rows
    ]


def _own_activities(session: Session, activity_ids: list[int], user_id: int) -> set[int]:
    if not activity_ids:
        return set()
    query = select(ActivityRep.activity_id).where(
        ActivityRep.activity_id.in_(activity_ids), ActivityRep.user_id == user_id
    )
    return set(session.scalars(query))


def _source_refs(session: Session, records: list[dict[str, Any]]) -> dict[int, SourceRef]:
    ids = {record["connector_id"] for record in records}
    query = select(Connector.id, Connector.name).where(Connector.id.in_(ids))
    names = dict(session.execute(query).all())
    return {
        record["id"]: SourceRef(
            record_id=record["id"],
            connector=names.get(record["connector_id"], ""),
            kind=record["connector_kind"],
            external_id=record["external_id"],
        )
        for record in records
    }


def _golden_row(name: str, entry: dict[str, Any], refs: dict[int, SourceRef]) -> GoldenRow:
    value = entry.get("value")
    sources = entry.get("sources") or {}
    items: list[tuple[str, SourceRef | None]] = []
    if isinstance(value, list):
        items = [(str(item), refs.get(sources.get(item))) for item in value]
    return GoldenRow(
        name=name,
        value=value,
        rule=str(entry.get("rule") or ""),
        changed_at=entry.get("changed_at"),
        source=refs.get(entry.get("source_record_id")),
        items=items,
        pinned_by=str(entry.get("actor") or ""),
    )


def _linked(record: dict[str, Any], refs: dict[int, SourceRef]) -> LinkedRecord:
    mapped = record.get("mapped") or {}
    says = [(name, mapped[name]) for name in SUMMARY_FIELDS if mapped.get(name)]
    return LinkedRecord(
        source=refs[record["id"]],
        link_rule=record.get("link_rule") or "",
        linked_at=record.get("linked_at"),
        link=describe_link(record.get("link_explanation")),
        says=says,
    )
