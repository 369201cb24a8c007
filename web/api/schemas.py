"""Marshmallow schemas of the REST API; the OpenAPI document is generated from them."""

from __future__ import annotations

import marshmallow as ma


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details, the body of every API error."""

    type = ma.fields.String(metadata={"description": "URI of the problem type"})
    title = ma.fields.String(metadata={"description": "Short summary (the HTTP phrase)"})
    status = ma.fields.Integer(metadata={"description": "HTTP status code"})
    detail = ma.fields.String(metadata={"description": "What went wrong in this request"})
    errors = ma.fields.Dict(
        metadata={"description": "Validation messages by location and field (422 only)"}
    )


class ComponentSchema(ma.Schema):
    ok = ma.fields.Boolean(required=True)
    detail = ma.fields.String(required=True)


class HealthSchema(ma.Schema):
    status = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(("ok", "degraded", "down")),
        metadata={"description": "down without a database; degraded when broker or workers fail"},
    )
    database = ma.fields.Nested(ComponentSchema, required=True)
    broker = ma.fields.Nested(ComponentSchema, required=True)
    workers_alive = ma.fields.Integer(required=True)
    queues = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Integer(allow_none=True),
        required=True,
        metadata={"description": "Messages waiting per queue; null when the broker is down"},
    )


class TokenIdentitySchema(ma.Schema):
    name = ma.fields.String(required=True, metadata={"description": "The token's name"})
    role = ma.fields.String(required=True, validate=ma.validate.OneOf(("admin", "rep")))
    prefix = ma.fields.String(
        required=True, metadata={"description": "First characters, to tell tokens apart"}
    )


class AuditEntrySchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    at = ma.fields.AwareDateTime(required=True)
    actor = ma.fields.String(required=True)
    action = ma.fields.String(required=True)
    target = ma.fields.String(required=True)
    details = ma.fields.Dict(required=True)
    remote_addr = ma.fields.String(required=True)
