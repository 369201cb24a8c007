"""What callers send to write customers: canonical fields, edits, merge and split requests.

Created records are checked by the canonical schema every connector's data passes
(``mapping.CustomerSchema``); an edit takes the same fields, each optional, where null
hands the field back to its sources.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

import marshmallow as ma

import mapping
from web.api.cursors import CursorField, limit_field

EDITABLE = tuple(name for name in mapping.CustomerSchema().fields if name != "external_id")


class CustomerQuerySchema(ma.Schema):
    q = ma.fields.String(
        validate=ma.validate.Length(max=200),
        metadata={"description": "An email, a phone number, an id or words of a name/company"},
    )
    updated_since = ma.fields.AwareDateTime(
        format="iso",
        default_timezone=None,
        metadata={"description": "ISO 8601: only customers changed at or after this time"},
    )
    cursor = CursorField((datetime, int))
    limit = limit_field()


class CustomerInputSchema(mapping.CustomerSchema):
    """A new customer record; ``external_id`` makes a retried create idempotent."""

    @ma.validates_schema
    def _not_empty(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if not set(data) - {"external_id"}:
            raise ma.ValidationError("Give at least one customer field.")


def _nullable(field: ma.fields.Field) -> ma.fields.Field:
    clone = copy.deepcopy(field)
    clone.allow_none = True
    return clone


_PatchFields = ma.Schema.from_dict(
    {name: _nullable(mapping.CustomerSchema().fields[name]) for name in EDITABLE},
    name="CustomerPatchFields",
)


class CustomerPatchSchema(_PatchFields):  # type: ignore[valid-type,misc]
    """Fields to pin (kept whatever the sources say); null unpins a field."""

    @ma.validates_schema
    def _not_empty(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if not data:
            raise ma.ValidationError("Give at least one field to change.")


class MergeRequestSchema(ma.Schema):
    from_id = ma.fields.Integer(
        required=True,
        validate=ma.validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "The customer merged into this one; it points here after"},
    )
    reason = ma.fields.String(load_default="manual", validate=ma.validate.Length(max=100))


class UnmergeRequestSchema(ma.Schema):
    merged_id = ma.fields.Integer(
        required=True,
        validate=ma.validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "A customer merged into this one, to become separate again"},
    )


class SplitRequestSchema(ma.Schema):
    source_record_id = ma.fields.Integer(
        required=True,
        validate=ma.validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "A source record of this customer, to become a new customer"},
    )


class EraseQuerySchema(ma.Schema):
    erase = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "Must be true: deleting a customer erases it for good"},
    )
