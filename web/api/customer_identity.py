"""Merging customers, undoing a merge, and splitting a record out, over the API.

The same domain operations as the admin UI's buttons: each moves source records and
recomputes golden records, writes its customer.* events, and is audited with the token.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_smorest import abort
from sqlalchemy.orm import Session

from core.identity import (
    CustomerNotFound,
    IdentityError,
    SourceRecordNotFound,
    merge_customers,
    split_source_record,
    unmerge_customer,
)
from core.models import Customer, SourceRecord
from web.api.auditing import record_api_action, token_actor
from web.api.customer_inputs import MergeRequestSchema, SplitRequestSchema, UnmergeRequestSchema
from web.api.customer_schemas import CustomerSchema
from web.api.customers import CUSTOMER, blueprint, customer_body
from web.api.tokens import token_required
from web.context import hub
from web.text import as_sentence


@blueprint.route(f"{CUSTOMER}/merge", methods=["POST"])
@token_required(blueprint, admin=True)
@blueprint.arguments(MergeRequestSchema)
@blueprint.response(200, CustomerSchema, description="The customer, now with both records")
@blueprint.alt_response(404, response="NOT_FOUND")
@blueprint.alt_response(409, response="CONFLICT", description="Same customer, or merged away")
def merge(request: dict[str, Any], customer_id: int) -> dict[str, Any]:
    """Merge customer from_id into this one; from_id then points here (merged_into_id)."""
    loser = request["from_id"]

    def work(db: Session) -> int:
        merge_customers(db, customer_id, loser, actor=token_actor(), reason=request["reason"])
        details = {"winner_id": customer_id, "loser_id": loser}
        record_api_action(db, "customer.merged", target=f"customer {customer_id}", details=details)
        return customer_id

    return _run(work)


@blueprint.route(f"{CUSTOMER}/unmerge", methods=["POST"])
@token_required(blueprint, admin=True)
@blueprint.arguments(UnmergeRequestSchema)
@blueprint.response(200, CustomerSchema, description="The customer that is separate again")
@blueprint.alt_response(404, response="NOT_FOUND")
@blueprint.alt_response(409, response="CONFLICT", description="Not merged into this customer")
def unmerge(request: dict[str, Any], customer_id: int) -> dict[str, Any]:
    """Undo the merge of merged_id into this customer: its records come back to it."""
    loser = request["merged_id"]

    def work(db: Session) -> int:
        if db.get(Customer, customer_id) is None:
            raise CustomerNotFound(customer_id)
        merged = db.get(Customer, loser)
        if merged is None or merged.merged_into_id != customer_id:
            raise IdentityError(f"customer {loser} is not merged into customer {customer_id}")
        unmerge_customer(db, loser, actor=token_actor())
        details = {"winner_id": customer_id, "loser_id": loser}
        record_api_action(db, "customer.unmerged", target=f"customer {loser}", details=details)
        return loser

    return _run(work)


@blueprint.route(f"{CUSTOMER}/split", methods=["POST"])
@token_required(blueprint, admin=True)
@blueprint.arguments(SplitRequestSchema)
@blueprint.response(201, CustomerSchema, description="The new customer made of the record")
@blueprint.alt_response(404, response="NOT_FOUND")
@blueprint.alt_response(409, response="CONFLICT", description="The record is the only one")
def split(request: dict[str, Any], customer_id: int) -> tuple[dict[str, Any], int]:
    """Take one source record out of this customer into a new customer of its own."""
    record_id = request["source_record_id"]

    def work(db: Session) -> int:
        if db.get(Customer, customer_id) is None:
            raise CustomerNotFound(customer_id)
        record = db.get(SourceRecord, record_id)
        if record is None or record.customer_id != customer_id:
            abort(404, message=f"Source record {record_id} is not a record of this customer.")
        new = split_source_record(db, record_id, actor=token_actor())
        details = {"source_record_id": record_id, "new_customer_id": new.id}
        target = f"customer {customer_id}"
        record_api_action(db, "customer.record_split", target=target, details=details)
        return new.id

    return _run(work), 201


def _run(work: Callable[[Session], int]) -> dict[str, Any]:
    """Act and audit in one transaction; refusals become 404 or 409 problems."""
    with hub().database.session() as db:
        try:
            shown = work(db)
        except (CustomerNotFound, SourceRecordNotFound) as exc:
            abort(404, message=as_sentence(str(exc)))
        except IdentityError as exc:
            abort(409, message=as_sentence(str(exc)))
        return customer_body(db, shown)
