"""Logs that quote the person: inbox, outbox, delivery log, audit log, run reports, errors.

The fact that something happened is kept (an event was sent, an admin acted, an import
ran); what it said about the person is not. Events about the person keep only their
ids, since the receivers already had the rest and get ``customer.erased`` now; their
delivery log loses the responses, which often echo the payload. Everything else is
searched for the person's traces, first in SQL (so only candidate rows are read) and
then confirmed in Python before it is changed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from core.erasure.activities import ActivityOutcome
from core.erasure.traces import ERASED, Traces
from core.models import (
    AuditEntry,
    Connector,
    Delivery,
    DeliveryAttempt,
    InboundEvent,
    OutboxEvent,
    ReviewItem,
    SourceRecord,
    SyncRun,
    TaskDelivery,
)

_NO_SYNC = {"synchronize_session": False}
# Other columns that may quote a person: error texts, reports, link explanations.
_TEXT_COLUMNS: tuple[InstrumentedAttribute[Any], ...] = (
    SyncRun.counts,
    SyncRun.error,
    Connector.last_error,
    TaskDelivery.error,
    SourceRecord.link_explanation,
    ReviewItem.explanation,
)


def ids_only(payload: dict[str, Any]) -> dict[str, Any]:
    """What may stay of a payload about an erased subject: its numeric ids."""
    kept = {k: v for k, v in payload.items() if _is_id(v)}
    return {**kept, "erased": True}


def delete_inbound(session: Session, traces: Traces) -> int:
    """Webhooks a tool sent about the person: deleted, headers and body alike."""
    dialect = session.get_bind().dialect.name
    quoting = or_(
        traces.mentions(InboundEvent.body, dialect, binary=True),
        traces.mentions(InboundEvent.headers, dialect),
        traces.mentions(InboundEvent.error, dialect),
    )
    rows = session.execute(
        select(InboundEvent.id, InboundEvent.body, InboundEvent.headers, InboundEvent.error)
        .where(quoting)
        .order_by(InboundEvent.id)
    )
    ids = [row_id for row_id, *values in rows if any(_quotes(traces, v) for v in values)]
    if ids:
        gone = delete(InboundEvent).where(InboundEvent.id.in_(ids))
        session.execute(gone.execution_options(**_NO_SYNC))
    return len(ids)


def scrub_outbox(
    session: Session,
    traces: Traces,
    customer_ids: Iterable[int],
    activities: ActivityOutcome,
) -> dict[str, int]:
    """Events about the person keep their ids; other events lose the person's traces.

    Events of a shared activity are about the person too, so their single name words go.
    """
    about = or_(
        (OutboxEvent.subject_type == "customer") & OutboxEvent.subject_id.in_(list(customer_ids)),
        (OutboxEvent.subject_type == "activity") & OutboxEvent.subject_id.in_(activities.deleted),
    )
    theirs = list(session.scalars(select(OutboxEvent).where(about).order_by(OutboxEvent.id)))
    for event in theirs:
        event.payload = ids_only(event.payload or {})
    dialect = session.get_bind().dialect.name
    shared = (OutboxEvent.subject_type == "activity") & OutboxEvent.subject_id.in_(
        activities.shared
    )
    quoting = select(OutboxEvent).where(
        ~about, or_(shared, traces.mentions(OutboxEvent.payload, dialect))
    )
    changed = 0
    for event in session.scalars(quoting.order_by(OutboxEvent.id)):
        scoped = event.subject_type == "activity" and event.subject_id in activities.shared
        payload = traces.scrub(event.payload, scoped=scoped)
        if payload != event.payload:
            event.payload, changed = payload, changed + 1
    blanked = _blank_deliveries(session, [e.id for e in theirs])
    return {
        "outbox_events": len(theirs) + changed,
        "delivery_attempts": blanked + _scrub_attempts(session, traces),
    }


def scrub_audit(session: Session, traces: Traces, customer_ids: Iterable[int]) -> int:
    """Entries about the person keep who, what, when and ids; others lose the traces."""
    targets = [f"customer {customer_id}" for customer_id in customer_ids]
    dialect = session.get_bind().dialect.name
    quoting = or_(
        AuditEntry.target.in_(targets),
        *(
            traces.mentions(c, dialect)
            for c in (AuditEntry.details, AuditEntry.note, AuditEntry.target)
        ),
    )
    changed = 0
    for entry in session.scalars(select(AuditEntry).where(quoting).order_by(AuditEntry.id)):
        about = entry.target in targets
        details = ids_only(entry.details or {}) if about else traces.scrub(entry.details)
        after = (details, traces.scrub(entry.note, scoped=about), traces.scrub(entry.target))
        if after != (entry.details, entry.note, entry.target):
            entry.details, entry.note, entry.target = after
            changed += 1
    return changed


def scrub_text_columns(session: Session, traces: Traces, skip_records: Iterable[int]) -> int:
    """Run reports, error texts and other records' explanations that quote the person."""
    dialect = session.get_bind().dialect.name
    skipped = list(skip_records)
    changed = 0
    for column in _TEXT_COLUMNS:
        model = column.class_
        query = select(model).where(traces.mentions(column, dialect))
        if model is SourceRecord and skipped:
            query = query.where(SourceRecord.id.not_in(skipped))
        for row in session.scalars(query):
            value = getattr(row, column.key)
            if traces.found_in(value):
                setattr(row, column.key, traces.scrub(value))
                changed += 1
    return changed


def _blank_deliveries(session: Session, event_ids: list[int]) -> int:
    if not event_ids:
        return 0
    deliveries = select(Delivery.id).where(Delivery.event_id.in_(event_ids))
    result = session.execute(
        update(DeliveryAttempt)
        .where(DeliveryAttempt.delivery_id.in_(deliveries), DeliveryAttempt.response_excerpt != "")
        .values(response_excerpt=ERASED)
        .execution_options(**_NO_SYNC)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _scrub_attempts(session: Session, traces: Traces) -> int:
    """Responses and errors of any delivery that quote the person; returns attempts changed."""
    dialect = session.get_bind().dialect.name
    changed = set()
    for model, columns in (
        (DeliveryAttempt, ("response_excerpt", "error")),
        (Delivery, ("last_error",)),
    ):
        quoting = or_(*(traces.mentions(getattr(model, c), dialect) for c in columns))
        for row in session.scalars(select(model).where(quoting)):
            for name in columns:
                if traces.found_in(getattr(row, name)):
                    setattr(row, name, traces.scrub(getattr(row, name)))
                    changed.add((model.__name__, row.id))
    return sum(1 for name, _ in changed if name == "DeliveryAttempt")


def _quotes(traces: Traces, value: Any) -> bool:
    """Text as stored, and JSON once parsed (its escapes hide non-ASCII letters)."""
    if traces.found_in(value):
        return True
    text = value.decode("utf-8", errors="replace") if isinstance(value, bytes) else value
    if isinstance(text, str):
        try:
            return traces.found_in(json.loads(text))
        except ValueError:
            return False
    return False


def _is_id(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, list) and all(_is_id(item) for item in value)
