"""Customers as plain documents for export, read page by page in constant memory.

Each page is its own short transaction (keyset paging on the customer id), so a long
export never holds SQLite's write lock or a PostgreSQL snapshot for its whole length;
a customer changed while the export runs appears as it was when its page was read.
Customers merged into another are left out: their records appear under the winner.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db import Database
from core.models import Connector, Customer, SourceRecord

PAGE_SIZE = 500


def customer_documents(database: Database, page_size: int = PAGE_SIZE) -> Iterator[dict[str, Any]]:
    """Every active customer with its golden fields, source records and link explanations."""
    after = 0
    while True:
        with database.session() as session:
            customers = _customers_after(session, after, page_size)
            sources = _sources_of(session, [customer.id for customer in customers])
        if not customers:
            return
        for customer in customers:
            yield _document(customer, sources.get(customer.id, []))
        after = customers[-1].id


def _customers_after(session: Session, after: int, limit: int) -> list[Customer]:
    query = (
        select(Customer)
        .where(Customer.id > after, Customer.merged_into_id.is_(None))
        .order_by(Customer.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def _sources_of(session: Session, customer_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The source records of these customers, as (connector, external id) and link."""
    if not customer_ids:
        return {}
    query = (
        select(
            SourceRecord.customer_id,
            SourceRecord.id,
            SourceRecord.external_id,
            SourceRecord.link_rule,
            SourceRecord.link_explanation,
            SourceRecord.linked_at,
            Connector.kind,
            Connector.name,
        )
        .join(Connector, Connector.id == SourceRecord.connector_id)
        .where(SourceRecord.customer_id.in_(customer_ids))
        .order_by(SourceRecord.customer_id, SourceRecord.id)
    )
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in session.execute(query):
        grouped[row.customer_id].append(
            {
                "connector_kind": row.kind,
                "connector_name": row.name,
                "external_id": row.external_id,
                "source_record_id": row.id,
                "link_rule": row.link_rule,
                "link_explanation": row.link_explanation,
                "linked_at": _iso(row.linked_at),
            }
        )
    return grouped


def _document(customer: Customer, sources: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": customer.id,
        "version": customer.version,
        "created_at": _iso(customer.created_at),
        "updated_at": _iso(customer.updated_at),
        "golden": customer.golden,
        "sources": sources,
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
