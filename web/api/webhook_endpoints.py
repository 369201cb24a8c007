"""Webhook endpoints over the API (admin tokens): create, read, change, delete, rotate.

The signing secret is returned by the create and the rotation only; no other answer
carries it. A URL the guard refuses (internal address, bad scheme, unresolvable host)
is a 422 problem that names the reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import Any

from flask_smorest import abort
from sqlalchemy.orm import Session

from web.api.auditing import record_api_action
from web.api.blueprint import ApiBlueprint
from web.api.routes import id_param
from web.api.tokens import token_required
from web.api.webhook_schemas import (
    CreatedEndpointSchema,
    EndpointPatchSchema,
    EndpointSchema,
    NewEndpointSchema,
    RotatedSecretSchema,
)
from web.context import hub
from web.text import as_sentence
from webhooks.outbound import (
    EndpointNotFound,
    InvalidFilter,
    UnsafeURL,
    create_endpoint,
    delete_endpoint,
    rotate_secret,
    set_enabled,
    update_endpoint,
)
from webhooks.outbound.listing import endpoint_summaries, endpoint_summary

blueprint = ApiBlueprint(
    "webhook_endpoints", __name__, url_prefix="/api/v1", description="Webhook endpoints"
)
ENDPOINT = f"/webhook-endpoints/{id_param('endpoint_id')}"


@blueprint.route("/webhook-endpoints")
@token_required(blueprint, admin=True)
@blueprint.response(200, EndpointSchema(many=True))
def endpoints() -> list[Any]:
    """Every endpoint with its pending and failed delivery counts (never its secret)."""
    with hub().database.session() as db:
        return list(endpoint_summaries(db))


@blueprint.route("/webhook-endpoints", methods=["POST"])
@token_required(blueprint, admin=True)
@blueprint.arguments(NewEndpointSchema)
@blueprint.response(201, CreatedEndpointSchema)
def create(request: dict[str, Any]) -> dict[str, Any]:
    """Subscribe a URL to event types; the answer holds the signing secret, once."""
    with endpoint_errors(), hub().database.session() as db:
        created = create_endpoint(
            db,
            hub().vault,
            request["url"],
            description=request["description"],
            event_types=request["event_types"],
            settings_allowlist=hub().settings.outbound_allowlist,
        )
        endpoint_id = created.endpoint.id
        _audit(db, "webhook_endpoint.created", endpoint_id, {"url": created.endpoint.url})
        summary = endpoint_summary(db, endpoint_id)
    return {**asdict(summary), "secret": created.secret}


@blueprint.route(ENDPOINT)
@token_required(blueprint, admin=True)
@blueprint.response(200, EndpointSchema)
@blueprint.alt_response(404, response="NOT_FOUND")
def endpoint(endpoint_id: int) -> Any:
    """One endpoint with its delivery counts (never its secret)."""
    with endpoint_errors(), hub().database.session() as db:
        return endpoint_summary(db, endpoint_id)


@blueprint.route(ENDPOINT, methods=["PATCH"])
@token_required(blueprint, admin=True)
@blueprint.arguments(EndpointPatchSchema)
@blueprint.response(200, EndpointSchema)
@blueprint.alt_response(404, response="NOT_FOUND")
def change(request: dict[str, Any], endpoint_id: int) -> Any:
    """Change the URL, description, event types, or enable/disable the endpoint."""
    with endpoint_errors(), hub().database.session() as db:
        update_endpoint(
            db,
            endpoint_id,
            url=request.get("url"),
            description=request.get("description"),
            event_types=request.get("event_types"),
            settings_allowlist=hub().settings.outbound_allowlist,
        )
        if "enabled" in request:
            set_enabled(db, endpoint_id, request["enabled"])
        _audit(db, "webhook_endpoint.changed", endpoint_id, {"fields": sorted(request)})
        return endpoint_summary(db, endpoint_id)


@blueprint.route(ENDPOINT, methods=["DELETE"])
@token_required(blueprint, admin=True)
@blueprint.response(204)
@blueprint.alt_response(404, response="NOT_FOUND")
def delete(endpoint_id: int) -> None:
    """Remove the endpoint with its delivery log."""
    with endpoint_errors(), hub().database.session() as db:
        delete_endpoint(db, endpoint_id)
        _audit(db, "webhook_endpoint.deleted", endpoint_id)


@blueprint.route(f"{ENDPOINT}/rotate-secret", methods=["POST"])
@token_required(blueprint, admin=True)
@blueprint.response(200, RotatedSecretSchema)
@blueprint.alt_response(404, response="NOT_FOUND")
def rotate(endpoint_id: int) -> dict[str, Any]:
    """A new signing secret, shown once; the old one keeps signing for a grace period."""
    with endpoint_errors(), hub().database.session() as db:
        secret = rotate_secret(db, hub().vault, endpoint_id)
        _audit(db, "webhook_endpoint.secret_rotated", endpoint_id)
        expires = endpoint_summary(db, endpoint_id).previous_secret_expires_at
    return {"secret": secret, "previous_secret_expires_at": expires}


@contextmanager
def endpoint_errors() -> Iterator[None]:
    """The outbound module's refusals as problems: 404, or 422 naming the field."""
    try:
        yield
    except EndpointNotFound as exc:
        abort(404, message=as_sentence(str(exc)))
    except UnsafeURL as exc:
        reason = exc.reason.rstrip(".: ")
        message = f"The URL cannot receive webhooks: {reason}."
        abort(422, message=message, errors=_json("url", as_sentence(reason)))
    except InvalidFilter as exc:
        message = as_sentence(str(exc))
        abort(422, message=message, errors=_json("event_types", message))


def _json(field: str, message: str) -> dict[str, Any]:
    return {"json": {field: [message]}}


def _audit(
    db: Session, action: str, endpoint_id: int, details: dict[str, Any] | None = None
) -> None:
    record_api_action(db, action, target=f"webhook endpoint {endpoint_id}", details=details)
