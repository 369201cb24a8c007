"""Small helpers shared by the identity tests."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select

from core.db import Database
from core.identity import IdentityOptions, IngestResult, ingest_customer
from core.identity.candidates import CandidateIndex
from core.identity.features import extract
from core.identity.resolve import Decision, resolve
from core.identity.weights import Scorer, m_table, u_table
from core.models import Connector, Customer, OutboxEvent, ReviewItem

# One person at her workplace: the record most scoring tests compare others with.
KATHERINE = {
    "given_name": "Katherine",
    "family_name": "Johnson",
    "emails": ["kjohnson@acme.com"],
    "company_name": "Acme",
    "address": {"postal_code": "94105", "city": "San Francisco", "country": "US"},
}
NEW_CUSTOMER = 0  # the customer ``resolve_new`` makes when the record links to nobody


def make_connectors(database: Database, *kinds: str) -> list[int]:
    with database.session() as session:
        rows = [Connector(kind=kind, name=f"{kind} {i}") for i, kind in enumerate(kinds)]
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows]


def ingest(
    database: Database,
    connector_id: int,
    external_id: str,
    options: IdentityOptions | None = None,
    **mapped: Any,
) -> IngestResult:
    """One record in its own transaction, as a sync page of one would be."""
    with database.session() as session:
        return ingest_customer(
            session,
            connector_id=connector_id,
            external_id=external_id,
            raw={"id": external_id, **mapped},
            mapped=mapped,
            options=options,
        )


def active_customers(database: Database) -> int:
    with database.session() as session:
        query = select(func.count(Customer.id)).where(Customer.merged_into_id.is_(None))
        return session.scalar(query) or 0


def event_types(database: Database, customer_id: int | None = None) -> list[str]:
    with database.session() as session:
        query = select(OutboxEvent.type).order_by(OutboxEvent.id)
        if customer_id is not None:
            query = query.where(OutboxEvent.subject_id == customer_id)
        return list(session.scalars(query))


def open_items(database: Database) -> list[ReviewItem]:
    with database.session() as session:
        query = select(ReviewItem).where(ReviewItem.status == "open").order_by(ReviewItem.id)
        return list(session.scalars(query))


def golden_values(database: Database, customer_id: int) -> dict[str, Any]:
    with database.session() as session:
        customer = session.get(Customer, customer_id)
        return {name: entry["value"] for name, entry in customer.golden.items()}


def resolve_new(
    index: CandidateIndex, mapped: Mapping[str, Any], *, prior_u: bool = False
) -> Decision:
    """A new record resolved against ``index`` without writing anything.

    With ``prior_u`` every value is as common as the default u tables say, so a test
    reads the same weights whatever the store's counts.
    """
    exact_u = (lambda _field, _key, prior: prior) if prior_u else index.exact_u
    return resolve(
        extract(mapped),
        record_id=None,
        current=None,
        index=index,
        scorer=Scorer(m_table(), u_table(), exact_u, set()),
        new_customer=lambda: NEW_CUSTOMER,
    )


def index_of_one(
    mapped: Mapping[str, Any], records: int, options: IdentityOptions
) -> CandidateIndex:
    """An in-memory index holding one record (customer 1) among ``records`` records."""
    index = CandidateIndex(options=options, total=records)
    index.add(extract(mapped), 1, pending=None)
    return index
