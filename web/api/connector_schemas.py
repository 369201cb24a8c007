"""Marshmallow schemas of connectors and their sync runs over the API."""

from __future__ import annotations

import marshmallow as ma


class SyncRunSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    stream = ma.fields.String(required=True)
    status = ma.fields.String(
        required=True, metadata={"description": "queued, running, succeeded or failed"}
    )
    created_at = ma.fields.AwareDateTime(required=True)
    started_at = ma.fields.AwareDateTime(required=True, allow_none=True)
    finished_at = ma.fields.AwareDateTime(required=True, allow_none=True)
    done = ma.fields.Integer(required=True, metadata={"description": "Records processed"})
    total = ma.fields.Integer(
        required=True, allow_none=True, metadata={"description": "Estimated records"}
    )
    error = ma.fields.String(required=True)


class ConnectorSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True, metadata={"description": "e.g. csvimport, forms"})
    name = ma.fields.String(required=True)
    status = ma.fields.String(
        required=True, metadata={"description": "active, paused, needs_reconnect or error"}
    )
    last_error = ma.fields.String(required=True)
    streams = ma.fields.List(
        ma.fields.String(),
        required=True,
        metadata={"description": "What a sync pulls; empty for kinds whose data is pushed"},
    )
    last_sync = ma.fields.Nested(SyncRunSchema, required=True, allow_none=True)
    created_at = ma.fields.AwareDateTime(required=True)
    updated_at = ma.fields.AwareDateTime(required=True)


class SyncQueuedSchema(ma.Schema):
    connector_id = ma.fields.Integer(required=True)
    runs = ma.fields.List(ma.fields.Nested(SyncRunSchema), required=True)
