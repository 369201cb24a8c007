"""Marshmallow schemas of webhook endpoints, their secrets and their delivery log."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from web.api.cursors import CursorField, limit_field

DELIVERY_STATUSES = ("pending", "succeeded", "failed")
_URL = ma.validate.Length(min=1, max=2000)
_DESCRIPTION = ma.validate.Length(max=500)
_PATTERNS = ma.validate.Length(min=1, max=50)


def _patterns(**kwargs: Any) -> ma.fields.List:
    return ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(min=1, max=100)),
        validate=_PATTERNS,
        metadata={"description": "Event types or patterns: customer.*, activity.logged, *"},
        **kwargs,
    )


class EndpointSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    url = ma.fields.String(required=True)
    description = ma.fields.String(required=True)
    event_types = ma.fields.List(ma.fields.String(), required=True)
    enabled = ma.fields.Boolean(required=True)
    disabled_reason = ma.fields.String(required=True)
    failing_since = ma.fields.AwareDateTime(required=True, allow_none=True)
    previous_secret_expires_at = ma.fields.AwareDateTime(
        required=True,
        allow_none=True,
        metadata={"description": "Until then the previous secret signs too (after a rotation)"},
    )
    created_at = ma.fields.AwareDateTime(required=True)
    pending = ma.fields.Integer(required=True, metadata={"description": "Deliveries to send"})
    failed = ma.fields.Integer(required=True, metadata={"description": "Deliveries given up"})
    total = ma.fields.Integer(required=True)


class NewEndpointSchema(ma.Schema):
    url = ma.fields.String(required=True, validate=_URL)
    event_types = _patterns(load_default=lambda: ["*"])
    description = ma.fields.String(load_default="", validate=_DESCRIPTION)


class CreatedEndpointSchema(EndpointSchema):
    secret = ma.fields.String(
        required=True,
        metadata={"description": "The signing secret (whsec_...): shown this once only"},
    )


class EndpointPatchSchema(ma.Schema):
    url = ma.fields.String(validate=_URL)
    description = ma.fields.String(validate=_DESCRIPTION)
    event_types = _patterns()
    enabled = ma.fields.Boolean()

    @ma.validates_schema
    def _not_empty(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if not data:
            raise ma.ValidationError("Give at least one field to change.")


class RotatedSecretSchema(ma.Schema):
    secret = ma.fields.String(required=True, metadata={"description": "Shown this once only"})
    previous_secret_expires_at = ma.fields.AwareDateTime(required=True)


class AttemptSchema(ma.Schema):
    at = ma.fields.AwareDateTime(required=True)
    status_code = ma.fields.Integer(required=True, allow_none=True)
    latency_ms = ma.fields.Integer(required=True, allow_none=True)
    response_excerpt = ma.fields.String(required=True)
    error = ma.fields.String(required=True)


class DeliverySchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    event_id = ma.fields.String(
        required=True, metadata={"description": "Sent as webhook-id on every attempt"}
    )
    event_type = ma.fields.String(required=True)
    status = ma.fields.String(required=True, validate=ma.validate.OneOf(DELIVERY_STATUSES))
    attempt_count = ma.fields.Integer(
        required=True, metadata={"description": "Attempts made, across replays"}
    )
    next_attempt_at = ma.fields.AwareDateTime(required=True, allow_none=True)
    last_status_code = ma.fields.Integer(required=True, allow_none=True)
    last_error = ma.fields.String(required=True)
    created_at = ma.fields.AwareDateTime(required=True)
    attempts = ma.fields.List(
        ma.fields.Nested(AttemptSchema),
        required=True,
        metadata={"description": "Every attempt, latest first"},
    )


class DeliveryQuerySchema(ma.Schema):
    status = ma.fields.String(validate=ma.validate.OneOf(DELIVERY_STATUSES))
    cursor = CursorField((int,))
    limit = limit_field(default=25, maximum=100)


class ReplaySinceSchema(ma.Schema):
    since = ma.fields.AwareDateTime(
        required=True, metadata={"description": "ISO 8601: deliveries made at or after this"}
    )


class ReplayedSchema(ma.Schema):
    queued = ma.fields.Integer(required=True, metadata={"description": "Deliveries queued"})


class TestEventSentSchema(ma.Schema):
    event_id = ma.fields.String(required=True)
    delivery_id = ma.fields.Integer(required=True)
