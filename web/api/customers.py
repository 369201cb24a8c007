"""One customer over the API: the golden record with its lineage and link explanations.

The full customers API (list, search, write) comes later; this is the read an
integrator needs to see why a customer looks the way it does.
"""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint, abort
from sqlalchemy import select

from core.identity import CustomerNotFound, explain_customer
from core.models import Connector
from web.api.customer_schemas import CustomerSchema
from web.api.tokens import token_required
from web.context import hub
from web.explanations import describe_link

blueprint = Blueprint("customers", __name__, url_prefix="/api/v1", description="Customers")


@blueprint.route("/customers/<int:customer_id>")
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
