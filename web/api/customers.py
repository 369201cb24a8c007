"""Reading customers over the API: the listing (search, changed-since, cursor pages) and
one customer's golden record with its lineage and link explanations.

The blueprint is shared by ``customer_writes`` and ``customer_identity``, which add the
create, edit, erase, merge and split routes.
"""

from __future__ import annotations

from typing import Any

from flask_smorest import abort
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.identity import CustomerNotFound, explain_customer
from core.models import Connector
from web.api.blueprint import ApiBlueprint
from web.api.cursors import page_schema
from web.api.customer_inputs import CustomerQuerySchema
from web.api.customer_queries import list_customers
from web.api.customer_schemas import CustomerSchema, CustomerSummarySchema
from web.api.routes import id_param
from web.api.tokens import token_required
from web.context import hub
from web.explanations import describe_link

blueprint = ApiBlueprint("customers", __name__, url_prefix="/api/v1", description="Customers")
CUSTOMER = f"/customers/{id_param('customer_id')}"
CustomerPageSchema = page_schema(CustomerSummarySchema, "CustomerPageSchema")


@blueprint.route("/customers")
@token_required(blueprint)
@blueprint.arguments(CustomerQuerySchema, location="query", as_kwargs=True)
@blueprint.response(200, CustomerPageSchema)
def customers(**query: Any) -> dict[str, Any]:
    """Active customers, oldest change first; search with q, poll with updated_since.

    Pages are keyset pages over (updated_at, id): follow next_cursor while has_more is
    true. Keep the last next_cursor to poll later: customers changed since then follow
    it. A customer merged into another one is no longer listed (see customer.merged).
    """
    with hub().database.session() as db:
        return list_customers(
            db,
            q=query.get("q"),
            updated_since=query.get("updated_since"),
            after=query.get("cursor"),
            limit=query["limit"],
        )


@blueprint.route(CUSTOMER)
@token_required(blueprint)
@blueprint.response(200, CustomerSchema)
@blueprint.alt_response(404, response="NOT_FOUND")
def get_customer(customer_id: int) -> dict[str, Any]:
    """A customer's golden fields with their sources, its linked records and merges.

    Each golden field names the source record its value came from and the rule that
    chose it; each source record says why it was linked (a shared key, or the score of
    each compared field against the thresholds). A merged-away customer is returned
    with ``merged_into_id`` set and no records of its own.
    """
    with hub().database.session() as db:
        return customer_body(db, customer_id)


def customer_body(db: Session, customer_id: int) -> dict[str, Any]:
    """The customer as GET returns it, or a 404 problem."""
    try:
        explained = explain_customer(db, customer_id)
    except CustomerNotFound:
        abort(404, message=f"Customer {customer_id} does not exist.")
    ids = {record["connector_id"] for record in explained["source_records"]}
    query = select(Connector.id, Connector.name).where(Connector.id.in_(ids))
    names = dict(db.execute(query).all())
    return with_lineage(explained, names)


def with_lineage(explained: dict[str, Any], names: dict[int, str]) -> dict[str, Any]:
    """Add connector names to every source, and a readable link to every record."""
    golden = {}
    for name, entry in explained["golden"].items():
        source = entry.get("source")
        if source:
            source = {**source, "connector_name": names.get(source["connector_id"], "")}
        golden[name] = {**entry, "source": source}
    records = [
        {
            **record,
            "connector_name": names.get(record["connector_id"], ""),
            "link": link_of(record.get("link_explanation") or {}),
        }
        for record in explained["source_records"]
    ]
    return {**explained, "golden": golden, "source_records": records}


def link_of(stored: dict[str, Any]) -> dict[str, Any]:
    described = describe_link(stored)
    scored = stored.get("best") if described.rule == "new" else stored
    link: dict[str, Any] = {
        "rule": described.rule,
        "summary": described.headline,
        "keys": list(stored.get("keys") or []),
        "total": described.total,
        "fields": dict((scored or {}).get("fields") or {}),
        "details": stored,
    }
    if described.scored:
        link["thresholds"] = {"auto_link": described.auto_link, "review": described.review}
    return link
