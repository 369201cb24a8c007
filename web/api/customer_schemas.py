"""Marshmallow schemas of a customer with its lineage, for GET /api/v1/customers/<id>."""

from __future__ import annotations

import marshmallow as ma


class SourceRefSchema(ma.Schema):
    connector_id = ma.fields.Integer(required=True)
    connector_kind = ma.fields.String(required=True, metadata={"description": "e.g. zendesk"})
    connector_name = ma.fields.String(required=True, metadata={"description": "The account"})
    external_id = ma.fields.String(
        required=True, metadata={"description": "The record's id in that tool"}
    )


class GoldenFieldSchema(ma.Schema):
    value = ma.fields.Raw(required=True, metadata={"description": "The golden value"})
    rule = ma.fields.String(
        required=True,
        metadata={"description": "How it was chosen: most_recent, union, pinned, ..."},
    )
    source_record_id = ma.fields.Integer(
        allow_none=True, metadata={"description": "The record it came from; null when pinned"}
    )
    source = ma.fields.Nested(SourceRefSchema, allow_none=True)
    sources = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Integer(),
        metadata={"description": "List and map fields: the source record of each item"},
    )
    changed_at = ma.fields.String(metadata={"description": "ISO 8601: when the value changed"})
    actor = ma.fields.String(metadata={"description": "Who pinned the value"})


class FieldWeightSchema(ma.Schema):
    level = ma.fields.String(required=True, metadata={"description": "exact, typo, different…"})
    weight = ma.fields.Float(required=True, metadata={"description": "log2(m/u), in bits"})
    m = ma.fields.Float()
    u = ma.fields.Float()


class LinkSchema(ma.Schema):
    """Why a record is linked: the deterministic rule and keys, or the field weights."""

    rule = ma.fields.String(required=True)
    summary = ma.fields.String(required=True, metadata={"description": "The reason in words"})
    keys = ma.fields.List(ma.fields.String(), metadata={"description": "Shared identity keys"})
    total = ma.fields.Float(allow_none=True, metadata={"description": "Score in bits"})
    thresholds = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Float(),
        metadata={"description": "auto_link and review thresholds the score was held to"},
    )
    fields = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Nested(FieldWeightSchema))
    details = ma.fields.Dict(metadata={"description": "The explanation exactly as stored"})


class SourceRecordSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    connector_id = ma.fields.Integer(required=True)
    connector_kind = ma.fields.String(required=True)
    connector_name = ma.fields.String(required=True)
    external_id = ma.fields.String(required=True)
    link_rule = ma.fields.String(required=True)
    link = ma.fields.Nested(LinkSchema, required=True)
    linked_at = ma.fields.AwareDateTime(allow_none=True)
    content_updated_at = ma.fields.AwareDateTime(allow_none=True)
    fields = ma.fields.Dict(
        attribute="mapped", metadata={"description": "The record's canonical fields"}
    )


class MergeSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    winner_id = ma.fields.Integer(required=True)
    loser_id = ma.fields.Integer(required=True)
    actor = ma.fields.String(required=True)
    reason = ma.fields.String(required=True)
    at = ma.fields.AwareDateTime(required=True)
    source_record_ids = ma.fields.List(ma.fields.Integer(), required=True)
    undone_at = ma.fields.AwareDateTime(allow_none=True)
    undone_by = ma.fields.String()


class CustomerSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    version = ma.fields.Integer(required=True)
    merged_into_id = ma.fields.Integer(
        allow_none=True,
        metadata={"description": "Set when this customer was merged into another one"},
    )
    company_id = ma.fields.Integer(allow_none=True)
    golden = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Nested(GoldenFieldSchema),
        required=True,
        metadata={"description": "Every golden field with its lineage"},
    )
    source_records = ma.fields.List(ma.fields.Nested(SourceRecordSchema), required=True)
    merges = ma.fields.List(ma.fields.Nested(MergeSchema), required=True)


class CustomerSummarySchema(ma.Schema):
    """A customer in a listing: its golden values without lineage."""

    id = ma.fields.Integer(required=True)
    version = ma.fields.Integer(required=True)
    full_name = ma.fields.String(required=True)
    primary_email = ma.fields.String(allow_none=True, required=True)
    primary_phone = ma.fields.String(allow_none=True, required=True)
    company_id = ma.fields.Integer(allow_none=True, required=True)
    fields = ma.fields.Dict(
        keys=ma.fields.String(),
        required=True,
        metadata={"description": "Golden values by field name (as in customer.* events)"},
    )
    created_at = ma.fields.AwareDateTime(required=True)
    updated_at = ma.fields.AwareDateTime(required=True)


class CreatedCustomerSchema(ma.Schema):
    """What a create did: identity resolution may link the record to an existing customer."""

    action = ma.fields.String(
        required=True,
        metadata={
            "description": "created (a new customer), linked (to an existing one), updated "
            "or unchanged (the external_id was known), review (queued for a person to check)"
        },
    )
    external_id = ma.fields.String(required=True)
    source_record_id = ma.fields.Integer(required=True)
    customer_id = ma.fields.Integer(required=True, allow_none=True)
    customer = ma.fields.Nested(CustomerSchema, required=True, allow_none=True)


class ErasureSchema(ma.Schema):
    customer_id = ma.fields.Integer(required=True)
    erased = ma.fields.Boolean(required=True)
    summary = ma.fields.Dict(
        required=True, metadata={"description": "What was removed, as counts per kind"}
    )
