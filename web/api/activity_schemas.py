"""Marshmallow schemas of activities over the API: the listing, one activity, a new note."""

from __future__ import annotations

from datetime import datetime

import marshmallow as ma

import mapping
from core.models import ACTIVITY_TYPES
from web.api.cursors import CursorField, limit_field

ID_RANGE = ma.validate.Range(min=1, max=2**31 - 1)
MANUAL_TYPES = ("note", "call")


class ActivityQuerySchema(ma.Schema):
    customer_id = ma.fields.Integer(
        validate=ID_RANGE, metadata={"description": "Only activities of this customer"}
    )
    type = ma.fields.String(validate=ma.validate.OneOf(ACTIVITY_TYPES))
    occurred_since = ma.fields.AwareDateTime(
        metadata={"description": "ISO 8601: only activities that happened at or after this"}
    )
    cursor = CursorField((datetime, int))
    limit = limit_field()


class ActivitySchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    type = ma.fields.String(required=True)
    occurred_at = ma.fields.AwareDateTime(required=True)
    direction = ma.fields.String(required=True)
    subject = ma.fields.String(required=True)
    summary = ma.fields.String(required=True)
    duration_seconds = ma.fields.Integer(required=True, allow_none=True)
    status = ma.fields.String(required=True)
    url = ma.fields.String(required=True)
    thread_id = ma.fields.String(required=True)
    participants = ma.fields.List(ma.fields.Dict(), required=True)
    data = ma.fields.Dict(required=True)
    private = ma.fields.Boolean(
        required=True, metadata={"description": "Marked private by a rep (admin tokens only)"}
    )
    connector_id = ma.fields.Integer(required=True, allow_none=True)
    external_id = ma.fields.String(required=True)
    customer_ids = ma.fields.List(ma.fields.Integer(), required=True)
    created_at = ma.fields.AwareDateTime(required=True)


class ManualActivitySchema(ma.Schema):
    """A note or a call logged by hand onto one customer's timeline."""

    customer_id = ma.fields.Integer(required=True, validate=ID_RANGE)
    type = ma.fields.String(required=True, validate=ma.validate.OneOf(MANUAL_TYPES))
    occurred_at = ma.fields.AwareDateTime(
        metadata={"description": "ISO 8601; the time of the request when left out"}
    )
    subject = ma.fields.String(load_default="", validate=ma.validate.Length(max=500))
    summary = ma.fields.String(load_default="", validate=ma.validate.Length(max=20_000))
    direction = ma.fields.String(validate=ma.validate.OneOf(mapping.DIRECTIONS))
    duration_seconds = ma.fields.Integer(
        strict=True, validate=ma.validate.Range(min=0, max=7 * 86_400)
    )
    status = ma.fields.String(load_default="", validate=ma.validate.Length(max=32))
    participants = ma.fields.List(ma.fields.Nested(mapping.ParticipantSchema), load_default=list)
    external_id = ma.fields.String(
        validate=ma.validate.Length(min=1, max=200),
        metadata={"description": "Your id for this activity: sending it again changes nothing"},
    )
