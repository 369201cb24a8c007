"""Inbound events for admins: what each source sent, what became of it, and "Retry".

A failed event keeps the reason on the row; once the cause is fixed (a mapping, a
setting), "Retry" puts it back in the queue. The retry is audited and queued only
after it is committed.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from web.audit import record_action
from web.auth.roles import admin_required
from web.context import hub
from web.text import as_sentence
from web.ui.blueprint import blueprint
from web.ui.inbound_queue import queue_processing
from webhooks.inbound import (
    STATUSES,
    EventNotFound,
    NotRetryable,
    inbound_sources,
    recent_events,
    retry_event,
)

SHOWN_EVENTS = 100
RETRIED = "Event #{event_id} is queued again; its status changes here once it is processed."


@blueprint.get("/inbound")
@admin_required
def inbound_events() -> str:
    connector_id = request.args.get("source", type=int)
    status = request.args.get("status") or None
    if status is not None and status not in STATUSES:
        abort(404)
    with hub().database.session() as db:
        sources = inbound_sources(db)
        events = recent_events(db, connector_id=connector_id, status=status, limit=SHOWN_EVENTS)
    return render_template(
        "inbound/events.html",
        sources=sources,
        events=events,
        source_id=connector_id,
        status=status,
        statuses=STATUSES,
    )


@blueprint.post("/inbound/<int:event_id>/retry")
@admin_required
def inbound_retry(event_id: int) -> Response:
    try:
        with hub().database.session() as db:
            event = retry_event(db, event_id)
            connector_id = event.connector_id
            record_action(
                db,
                "inbound.retried",
                target=f"inbound event {event_id}",
                details={"source": connector_id, "event_type": event.event_type},
            )
    except EventNotFound:
        abort(404)
    except NotRetryable as exc:
        flash(as_sentence(str(exc)), "error")
        return redirect(url_for("ui.inbound_events"))
    queue_processing(connector_id, event_id, at_once=True)
    flash(RETRIED.format(event_id=event_id), "success")
    return redirect(url_for("ui.inbound_events", source=connector_id))
