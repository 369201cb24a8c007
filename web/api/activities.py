"""Activities over the API: the timeline listing, and notes or calls logged by hand.

A manual activity belongs to the "api" connector, so a caller's own external_id makes
a retried request find the activity the first one logged instead of logging it twice.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask_smorest import abort

from core.activities import ActivityInput, log_activity
from core.models import Activity, Customer, utcnow
from web.api.activity_queries import activity_bodies, list_activities
from web.api.activity_schemas import ActivityQuerySchema, ActivitySchema, ManualActivitySchema
from web.api.api_source import api_connector_id
from web.api.auditing import record_api_action, token_actor
from web.api.blueprint import ApiBlueprint
from web.api.cursors import page_schema
from web.api.tokens import current_client, token_required
from web.context import hub

blueprint = ApiBlueprint("activities", __name__, url_prefix="/api/v1", description="Activities")
ActivityPageSchema = page_schema(ActivitySchema, "ActivityPageSchema")


@blueprint.route("/activities")
@token_required(blueprint)
@blueprint.arguments(ActivityQuerySchema, location="query", as_kwargs=True)
@blueprint.response(200, ActivityPageSchema)
def activities(**query: Any) -> dict[str, Any]:
    """Activities by customer and type, oldest first, in keyset pages (follow next_cursor).

    Activities a rep marked private are listed for admin tokens only.
    """
    with hub().database.session() as db:
        return list_activities(
            db,
            customer_id=query.get("customer_id"),
            type_=query.get("type"),
            occurred_since=query.get("occurred_since"),
            after=query.get("cursor"),
            limit=query["limit"],
            with_private=current_client().role == "admin",
        )


@blueprint.route("/activities", methods=["POST"])
@token_required(blueprint)
@blueprint.arguments(ManualActivitySchema)
@blueprint.response(201, ActivitySchema, description="Logged")
@blueprint.alt_response(200, schema=ActivitySchema, description="Already logged (a retry)")
@blueprint.alt_response(404, response="NOT_FOUND")
@blueprint.alt_response(409, response="CONFLICT", description="The customer was merged away")
def log_manual_activity(item: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Log a note or a call onto a customer's timeline (announced as activity.* events)."""
    customer_id = item["customer_id"]
    external_id = item.get("external_id") or f"api-{uuid.uuid4().hex}"
    with hub().database.session() as db:
        _check_customer(db.get(Customer, customer_id), customer_id)
        logged = log_activity(
            db,
            ActivityInput(
                type=item["type"],
                occurred_at=item.get("occurred_at") or utcnow(),
                external_id=external_id,
                connector_id=api_connector_id(db),
                direction=item.get("direction", ""),
                subject=item["subject"],
                summary=item["summary"],
                duration_seconds=item.get("duration_seconds"),
                status=item["status"],
                url="",
                thread_id="",
                participants=tuple(item["participants"]),
                data={"logged_by": token_actor()},
            ),
            customer_ids=[customer_id],
        )
        details = {"activity_id": logged.activity_id, "created": logged.created}
        record_api_action(db, "activity.logged", target=f"customer {customer_id}", details=details)
        body = activity_bodies(db, [db.get_one(Activity, logged.activity_id)])[0]
    return body, 201 if logged.created else 200


def _check_customer(customer: Customer | None, customer_id: int) -> None:
    if customer is None:
        abort(404, message=f"Customer {customer_id} does not exist.")
    if customer.merged_into_id is not None:
        abort(
            409,
            message=f"Customer {customer_id} was merged into customer "
            f"{customer.merged_into_id}; log the activity there.",
        )
