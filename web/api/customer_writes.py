"""Writing customers over the API: create (idempotent per external id), edit, erase.

A create is a source record of the "api" connector resolved like any connector's
record; an edit pins golden fields like an admin's edit in the UI; both write their
outbox events through the core functions, and every write names the token in the audit
log, in the same transaction.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import url_for
from flask_smorest import abort

from core.erasure import ErasureRefused, erase_customer
from core.identity import CustomerNotFound, IdentityError, ingest_customer
from core.records import edit_fields, json_safe
from web.api.api_source import api_connector_id
from web.api.auditing import record_api_action, token_actor
from web.api.customer_inputs import CustomerInputSchema, CustomerPatchSchema, EraseQuerySchema
from web.api.customer_schemas import CreatedCustomerSchema, CustomerSchema, ErasureSchema
from web.api.customers import CUSTOMER, blueprint, customer_body
from web.api.tokens import token_required
from web.context import hub
from web.text import as_sentence

NOT_ERASE = (
    "Deleting a customer erases it and everything known about it, for good; "
    "send DELETE with ?erase=true to confirm."
)


@blueprint.route("/customers", methods=["POST"])
@token_required(blueprint)
@blueprint.arguments(CustomerInputSchema)
@blueprint.response(201, CreatedCustomerSchema, description="A new source record")
@blueprint.alt_response(
    200, schema=CreatedCustomerSchema, description="The external_id was known (a retry)"
)
def create_customer(fields: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
    """Submit a customer record; identity resolution links it or makes a new customer.

    Give your own external_id to make retries safe: the same external_id again updates
    (or, unchanged, simply returns) the record the first call stored. Without one, each
    call is a new record (which still links to a matching customer).
    """
    external_id = fields.pop("external_id", None) or f"api-{uuid.uuid4().hex}"
    mapped = json_safe(fields)
    with hub().database.session() as db:
        connector_id = api_connector_id(db)
        result = ingest_customer(
            db,
            connector_id=connector_id,
            external_id=external_id,
            raw={"submitted_by": token_actor(), "fields": mapped},
            mapped=mapped,
        )
        details = {"external_id": external_id, "action": result.action}
        target = f"customer {result.customer_id}" if result.customer_id else "customer"
        record_api_action(db, "customer.record_submitted", target=target, details=details)
        body = {
            "action": result.action,
            "external_id": external_id,
            "source_record_id": result.source_record_id,
            "customer_id": result.customer_id,
            "customer": customer_body(db, result.customer_id) if result.customer_id else None,
        }
    headers = {}
    if result.customer_id:
        headers["Location"] = url_for("customers.get_customer", customer_id=result.customer_id)
    return body, 201 if result.new_record else 200, headers


@blueprint.route(CUSTOMER, methods=["PATCH"])
@token_required(blueprint, admin=True)
@blueprint.arguments(CustomerPatchSchema)
@blueprint.response(200, CustomerSchema)
@blueprint.alt_response(404, response="NOT_FOUND")
@blueprint.alt_response(409, response="CONFLICT", description="The customer was merged away")
def edit_customer(changes: dict[str, Any], customer_id: int) -> dict[str, Any]:
    """Pin golden fields to the values given; null hands a field back to its sources.

    A pinned value wins over every source until it is unpinned, like an edit in the
    admin UI; the edit is one customer.updated naming every field it changed.
    """
    actor = token_actor()
    with hub().database.session() as db:
        try:
            edit_fields(db, customer_id, json_safe(changes), actor=actor)
        except CustomerNotFound:
            abort(404, message=f"Customer {customer_id} does not exist.")
        except IdentityError as exc:
            abort(409, message=as_sentence(str(exc)))
        details = {
            "pinned": sorted(n for n, v in changes.items() if v is not None),
            "unpinned": sorted(n for n, v in changes.items() if v is None),
        }
        record_api_action(
            db, "customer.fields_edited", target=f"customer {customer_id}", details=details
        )
        return customer_body(db, customer_id)


@blueprint.route(CUSTOMER, methods=["DELETE"])
@token_required(blueprint, admin=True)
@blueprint.arguments(EraseQuerySchema, location="query", as_kwargs=True)
@blueprint.response(200, ErasureSchema)
@blueprint.alt_response(400, response="BAD_REQUEST", description="erase=true is missing")
@blueprint.alt_response(404, response="NOT_FOUND")
@blueprint.alt_response(409, response="CONFLICT", description="Merged away: erase the survivor")
def erase(customer_id: int, erase: bool) -> dict[str, Any]:
    """Erase a customer (right to erasure): its records, activities links and keys.

    Deleting means erasing, and that cannot be undone, so the request must say
    ?erase=true. What the customer was known by is kept only as keyed hashes, so no
    later sync brings the person back.
    """
    if not erase:
        abort(400, message=NOT_ERASE)
    with hub().database.session() as db:
        try:
            summary = json_safe(erase_customer(db, customer_id, actor=token_actor()))
        except CustomerNotFound:
            abort(404, message=f"Customer {customer_id} does not exist.")
        except ErasureRefused as exc:
            abort(409, message=as_sentence(str(exc)))
        target = f"customer {customer_id}"
        record_api_action(db, "customer.erased", target=target, details=summary)
    return {"customer_id": customer_id, "erased": True, "summary": summary}
