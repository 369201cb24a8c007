"""An endpoint's delivery log over the API, replays, and the test event (admin tokens).

A replay sends the same event under the same webhook-id, so a receiver that already
processed it drops it; the workers pick replays up like any due delivery.
"""

from __future__ import annotations

from typing import Any

from flask_smorest import abort
from sqlalchemy import select

from core.models import Delivery
from web.api.auditing import record_api_action
from web.api.cursors import page_schema
from web.api.delivery_queries import delivery_bodies, delivery_rows, list_deliveries
from web.api.routes import id_param
from web.api.tokens import token_required
from web.api.webhook_endpoints import ENDPOINT, blueprint, endpoint_errors
from web.api.webhook_schemas import (
    DeliveryQuerySchema,
    DeliverySchema,
    ReplayedSchema,
    ReplaySinceSchema,
    TestEventSentSchema,
)
from web.context import hub
from web.text import as_sentence
from webhooks.outbound import EndpointDisabled, replay_delivery, replay_since, send_test_event
from webhooks.outbound.endpoints import get_endpoint

DeliveryPageSchema = page_schema(DeliverySchema, "DeliveryPageSchema")
DELIVERY = f"{ENDPOINT}/deliveries/{id_param('delivery_id')}"


@blueprint.route(f"{ENDPOINT}/deliveries")
@token_required(blueprint, admin=True)
@blueprint.arguments(DeliveryQuerySchema, location="query", as_kwargs=True)
@blueprint.response(200, DeliveryPageSchema)
@blueprint.alt_response(404, response="NOT_FOUND")
def deliveries(endpoint_id: int, **query: Any) -> dict[str, Any]:
    """The endpoint's deliveries, newest first, each with every attempt made."""
    with endpoint_errors(), hub().database.session() as db:
        get_endpoint(db, endpoint_id)
        return list_deliveries(
            db,
            endpoint_id,
            status=query.get("status"),
            after=query.get("cursor"),
            limit=query["limit"],
        )


@blueprint.route(f"{DELIVERY}/replay", methods=["POST"])
@token_required(blueprint, admin=True)
@blueprint.response(202, DeliverySchema, description="Queued to be sent again now")
@blueprint.alt_response(404, response="NOT_FOUND")
def replay_one(endpoint_id: int, delivery_id: int) -> dict[str, Any]:
    """Send one delivery again, whatever became of it."""
    with endpoint_errors(), hub().database.session() as db:
        get_endpoint(db, endpoint_id)
        owner = db.scalar(select(Delivery.endpoint_id).where(Delivery.id == delivery_id))
        if owner != endpoint_id:
            abort(404, message=f"Delivery {delivery_id} is not a delivery of this endpoint.")
        replay_delivery(db, delivery_id)
        target = f"webhook endpoint {endpoint_id}"
        details = {"delivery_id": delivery_id}
        record_api_action(db, "webhook_delivery.replayed", target=target, details=details)
        db.flush()
        return delivery_bodies(db, delivery_rows(db, [delivery_id]))[0]


@blueprint.route(f"{ENDPOINT}/replay", methods=["POST"])
@token_required(blueprint, admin=True)
@blueprint.arguments(ReplaySinceSchema)
@blueprint.response(202, ReplayedSchema, description="Queued to be sent again now")
@blueprint.alt_response(404, response="NOT_FOUND")
def replay_all_since(request: dict[str, Any], endpoint_id: int) -> dict[str, int]:
    """Send again every delivery of the endpoint made at or after ``since``."""
    with endpoint_errors(), hub().database.session() as db:
        queued = replay_since(db, endpoint_id, request["since"])
        details = {"since": request["since"].isoformat(), "queued": queued}
        target = f"webhook endpoint {endpoint_id}"
        record_api_action(db, "webhook_delivery.replayed_since", target=target, details=details)
    return {"queued": queued}


@blueprint.route(f"{ENDPOINT}/test", methods=["POST"])
@token_required(blueprint, admin=True)
@blueprint.response(202, TestEventSentSchema, description="A webhook.test event is queued")
@blueprint.alt_response(404, response="NOT_FOUND")
@blueprint.alt_response(409, response="CONFLICT", description="The endpoint is disabled")
def send_test(endpoint_id: int) -> dict[str, Any]:
    """Queue a signed webhook.test event to this endpoint only."""
    with endpoint_errors(), hub().database.session() as db:
        try:
            event = send_test_event(db, endpoint_id)
        except EndpointDisabled as exc:
            abort(409, message=as_sentence(str(exc)))
        delivery_id = db.scalar(
            select(Delivery.id).where(
                Delivery.event_id == event.id, Delivery.endpoint_id == endpoint_id
            )
        )
        details = {"event_id": event.event_id}
        target = f"webhook endpoint {endpoint_id}"
        record_api_action(db, "webhook_endpoint.test_sent", target=target, details=details)
    return {"event_id": event.event_id, "delivery_id": delivery_id}
