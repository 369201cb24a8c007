"""The canonical customer and activity: the one shape every connector's data is mapped to.

Every later stage (normalization, identity, survivorship, the REST API) reads these
fields and nothing tool-specific, so a new connector needs a mapping, not new code.
Schemas are strict about shape and allowed words, and lenient about spelling that
``core.normalize`` cleans later (e-mail case, phone formatting).
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from mapping.targets import (
    ACTIVITY_TYPES,
    DIRECTIONS,
    LIFECYCLE_STAGES,
    PARTICIPANT_ROLES,
)

_ID = validate.Length(min=1, max=255)
_SHORT = validate.Length(max=300)


class Scalar(fields.Field):
    """A custom field's value: text, a number or true/false, never a structure."""

    default_error_messages = {"invalid": "Must be text, a number or true/false."}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, str | int | float | bool):
            return value
        raise self.make_error("invalid")


class AddressSchema(Schema):
    street = fields.String(validate=validate.Length(max=500))
    city = fields.String(validate=_SHORT)
    postal_code = fields.String(validate=validate.Length(max=32))
    region = fields.String(validate=_SHORT)
    country = fields.String(validate=_SHORT)


class CustomerSchema(Schema):
    """A person as one tool knows them; identity resolution merges these into one record."""

    given_name = fields.String(validate=_SHORT)
    family_name = fields.String(validate=_SHORT)
    full_name = fields.String(validate=_SHORT)
    emails = fields.List(fields.Email())
    phones = fields.List(fields.String(validate=validate.Length(min=1, max=64)))
    company_name = fields.String(validate=_SHORT)
    company_domains = fields.List(fields.String(validate=validate.Length(min=1, max=253)))
    job_title = fields.String(validate=_SHORT)
    address = fields.Nested(AddressSchema)
    birth_date = fields.Date()
    lifecycle_stage = fields.String(validate=validate.OneOf(LIFECYCLE_STAGES))
    owner = fields.Email()
    lead_source = fields.String(validate=_SHORT)
    tags = fields.List(fields.String(validate=validate.Length(min=1, max=100)))
    custom_fields = fields.Dict(keys=fields.String(validate=_ID), values=Scalar())
    external_id = fields.String(validate=_ID)


class ParticipantSchema(Schema):
    """Someone on an activity; the email or phone is what links it to a customer."""

    email = fields.Email()
    phone = fields.String(validate=validate.Length(min=1, max=64))
    name = fields.String(validate=_SHORT)
    role = fields.String(required=True, validate=validate.OneOf(PARTICIPANT_ROLES))

    @validates_schema
    def _reachable(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if not data.get("email") and not data.get("phone"):
            raise ValidationError("A participant needs an email or a phone.")


class ActivitySchema(Schema):
    """One thing that happened; unique per connector on ``external_id``, so logged once."""

    type = fields.String(required=True, validate=validate.OneOf(ACTIVITY_TYPES))
    occurred_at = fields.AwareDateTime(required=True)
    direction = fields.String(validate=validate.OneOf(DIRECTIONS))
    subject = fields.String(validate=validate.Length(max=500))
    summary = fields.String()
    participants = fields.List(fields.Nested(ParticipantSchema))
    duration_seconds = fields.Integer(strict=True, validate=validate.Range(min=0))
    status = fields.String(validate=validate.Length(max=32))
    url = fields.Url(schemes={"http", "https"}, require_tld=False)
    external_id = fields.String(required=True, validate=_ID)
    thread_id = fields.String(validate=_ID)


SCHEMAS: dict[str, type[Schema]] = {"customer": CustomerSchema, "activity": ActivitySchema}
