"""The customer listing of the API: search, changed-since, and keyset pages.

Customers are listed oldest change first by (updated_at, id), so a client that walks the
pages and later polls with its last cursor also receives customers changed meanwhile:
a change moves a customer behind the cursor, never in front of it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from core.models import Customer
from core.records import values_of
from web.api.cursors import Key, cursor_page
from web.ui.customer_search import _condition as search_condition
from web.ui.customer_search import parse_query


def list_customers(
    session: Session,
    *,
    q: str | None,
    updated_since: datetime | None,
    after: Key | None,
    limit: int,
) -> dict[str, Any]:
    """One page of active (not merged-away) customers, with the cursor after it."""
    where = [Customer.merged_into_id.is_(None), search_condition(parse_query(q))]
    if updated_since is not None:
        where.append(Customer.updated_at >= updated_since)
    if after is not None:
        moment, last_id = after
        where.append(
            or_(
                Customer.updated_at > moment,
                and_(Customer.updated_at == moment, Customer.id > last_id),
            )
        )
    rows = session.scalars(
        select(Customer).where(*where).order_by(Customer.updated_at, Customer.id).limit(limit + 1)
    ).all()
    page = cursor_page(rows, limit, lambda c: (c.updated_at, c.id), after)
    page["items"] = [customer_summary(customer) for customer in page["items"]]
    return page


def customer_summary(customer: Customer) -> dict[str, Any]:
    values = values_of(customer.golden or {})
    return {
        "id": customer.id,
        "version": customer.version,
        "full_name": customer.full_name,
        "primary_email": customer.primary_email,
        "primary_phone": customer.primary_phone,
        "company_id": customer.company_id,
        "fields": values,
        "created_at": customer.created_at,
        "updated_at": customer.updated_at,
    }
