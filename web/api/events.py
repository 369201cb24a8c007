"""The outbox for polling consumers: every domain event in commit order, like a webhook.

A consumer that cannot receive webhooks keeps the last cursor and asks again; each event
carries the same event_id (``webhook-id``), type, timestamp and data a webhook would.

Order is (writing transaction, id). On PostgreSQL an id is taken when the row is
inserted, not when it commits, so paging by id alone would pass over an event whose
transaction committed after a later one's. The feed therefore serves only events of
transactions that have all finished (those below the oldest one still running) in
(transaction, id) order: nothing can appear behind a cursor afterwards. An event shows
up once every older transaction has ended. On SQLite writes run one at a time, so ids
are already commit order and the transaction part is 0.
"""

from __future__ import annotations

import json
from typing import Any

import marshmallow as ma
from flask_smorest import abort
from sqlalchemy import literal, or_, select, text, tuple_
from sqlalchemy.orm import Session
from webargs.fields import DelimitedList

from core.models import OutboxEvent
from web.api.blueprint import ApiBlueprint
from web.api.cursors import CursorField, Key, encode_cursor, limit_field
from web.api.tokens import token_required
from web.context import hub
from webhooks.outbound import TEST_EVENT_TYPE, InvalidFilter
from webhooks.outbound.filters import WILDCARD, matches, normalize_filter
from webhooks.outbound.payload import event_body

blueprint = ApiBlueprint("events", __name__, url_prefix="/api/v1", description="Event feed")
SCAN_BATCH = 500
SCAN_LIMIT = 5000  # rows looked at per request when a pattern needs checking row by row


class EventQuerySchema(ma.Schema):
    after = CursorField((int, int))
    types = DelimitedList(
        ma.fields.String(validate=ma.validate.Length(min=1, max=100)),
        validate=ma.validate.Length(max=20),
        metadata={"description": "Comma-separated event types or patterns (customer.*)"},
    )
    limit = limit_field(default=100, maximum=500)


class EventSchema(ma.Schema):
    event_id = ma.fields.String(required=True, metadata={"description": "As webhook-id"})
    type = ma.fields.String(required=True)
    timestamp = ma.fields.String(required=True, metadata={"description": "RFC 3339, UTC"})
    data = ma.fields.Dict(required=True, metadata={"description": "As the webhook's data"})


class EventPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(EventSchema), required=True)
    next_cursor = ma.fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "Pass as after to continue; poll with it later for more"},
    )
    has_more = ma.fields.Boolean(required=True)


@blueprint.route("/events")
@token_required(blueprint)
@blueprint.arguments(EventQuerySchema, location="query", as_kwargs=True)
@blueprint.response(200, EventPageSchema)
def events(**query: Any) -> dict[str, Any]:
    """Events after the cursor, oldest first; types filters like a webhook subscription."""
    try:
        patterns = normalize_filter(query["types"]) if query.get("types") else [WILDCARD]
    except InvalidFilter as exc:
        abort(422, message=str(exc), errors={"query": {"types": [str(exc)]}})
    with hub().database.session() as db:
        return event_page(db, patterns, query.get("after"), query["limit"])


def event_page(db: Session, patterns: list[str], after: Key | None, limit: int) -> dict[str, Any]:
    """Up to ``limit`` matching events; the cursor moves past every row looked at."""
    last: Key = after or (0, 0)
    horizon = _finished_below(db)
    found: list[OutboxEvent] = []
    scanned = 0
    while len(found) <= limit and scanned < SCAN_LIMIT:
        batch = db.scalars(_query(patterns, last, horizon).limit(SCAN_BATCH)).all()
        for event in batch:
            scanned += 1
            last = (event.commit_txid, event.id)
            if matches(event.type, patterns):
                found.append(event)
                if len(found) > limit:
                    break
        if len(batch) < SCAN_BATCH:
            break
    items = found[:limit]
    more = len(found) > limit or scanned >= SCAN_LIMIT
    if items and len(found) > limit:
        last = (items[-1].commit_txid, items[-1].id)
    cursor = encode_cursor(*last) if last != (0, 0) else None
    return {"items": [_body(event) for event in items], "next_cursor": cursor, "has_more": more}


def _finished_below(db: Session) -> int | None:
    """PostgreSQL: every transaction with a lower id has ended (None on SQLite)."""
    if db.get_bind().dialect.name != "postgresql":
        return None
    return int(db.scalar(text("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")))


def _query(patterns: list[str], after: Key, horizon: int | None) -> Any:
    order = tuple_(OutboxEvent.commit_txid, OutboxEvent.id)
    query = select(OutboxEvent).where(
        order > tuple_(literal(after[0]), literal(after[1])),
        OutboxEvent.type != TEST_EVENT_TYPE,
    )
    if horizon is not None:
        query = query.where(OutboxEvent.commit_txid < horizon)
    if WILDCARD not in patterns:
        likes = [OutboxEvent.type.like(_like(pattern), escape="\\") for pattern in patterns]
        query = query.where(or_(*likes))
    return query.order_by(OutboxEvent.commit_txid, OutboxEvent.id)


def _like(pattern: str) -> str:
    """A LIKE that admits at least what the pattern does (a * may span dots here)."""
    escaped = pattern.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped.replace(WILDCARD, "%")


def _body(event: OutboxEvent) -> dict[str, Any]:
    body = json.loads(event_body(event.type, event.created_at, event.payload, event.sequence))
    return {"event_id": event.event_id, **body}
