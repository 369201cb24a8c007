"""Buttons of the endpoint page: enable, disable, rotate, test, delete, replay.

Each runs the domain function and its audit entry in one transaction, then returns to
the endpoint page with the outcome as a notice. Replays and test events only queue
deliveries: beat's sweep hands them to a worker within seconds.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import abort, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from core.models import Delivery, utcnow
from web.audit import record_action
from web.auth.roles import admin_required
from web.context import hub
from web.text import as_sentence
from web.ui.blueprint import blueprint
from web.ui.display import when
from web.ui.webhooks import summary_or_404
from web.ui.webhooks_forms import ActionForm, ReplaySinceForm
from web.ui.webhooks_secret import stash_secret
from webhooks.outbound import (
    DeliveryNotFound,
    EndpointDisabled,
    EndpointNotFound,
    delete_endpoint,
    load_options,
    replay_delivery,
    replay_since,
    rotate_secret,
    send_test_event,
    set_enabled,
)
from webhooks.outbound.endpoints import get_endpoint

Work = Callable[[Session], str]
WHILE_DISABLED = " The endpoint is disabled: nothing goes out until it is enabled again."


def target(endpoint_id: int) -> str:
    return f"webhook endpoint {endpoint_id}"


@blueprint.post("/webhooks/<int:endpoint_id>/enable")
@admin_required
def webhook_enable(endpoint_id: int) -> Response:
    def work(db: Session) -> str:
        set_enabled(db, endpoint_id, True)
        record_action(db, "webhook_endpoint.enabled", target=target(endpoint_id))
        return "The endpoint is enabled: pending deliveries go out again."

    return _run(endpoint_id, ActionForm(), work)


@blueprint.post("/webhooks/<int:endpoint_id>/disable")
@admin_required
def webhook_disable(endpoint_id: int) -> Response:
    def work(db: Session) -> str:
        set_enabled(db, endpoint_id, False)
        record_action(db, "webhook_endpoint.disabled", target=target(endpoint_id))
        return "The endpoint is disabled: nothing is sent to it until it is enabled."

    return _run(endpoint_id, ActionForm(), work)


@blueprint.post("/webhooks/<int:endpoint_id>/rotate")
@admin_required
def webhook_rotate(endpoint_id: int) -> Response:
    summary_or_404(endpoint_id)
    form = ActionForm()
    if not form.validate_on_submit():
        flash(_form_error(form), "error")
        return redirect(url_for("ui.webhook", endpoint_id=endpoint_id))
    now = utcnow()
    with hub().database.session() as db:
        grace = timedelta(seconds=load_options(db).rotation_grace_seconds)
        secret = rotate_secret(db, hub().vault, endpoint_id, grace=grace, now=now)
        details = {"old_secret_valid_until": (now + grace).isoformat()}
        record_action(
            db, "webhook_endpoint.secret_rotated", target=target(endpoint_id), details=details
        )
    stash_secret(endpoint_id, secret, now + grace)
    flash("A new signing secret was made. Copy it now.", "success")
    return redirect(url_for("ui.webhook_secret", endpoint_id=endpoint_id))


@blueprint.post("/webhooks/<int:endpoint_id>/test")
@admin_required
def webhook_test(endpoint_id: int) -> Response:
    def work(db: Session) -> str:
        event = send_test_event(db, endpoint_id)
        record_action(
            db,
            "webhook_endpoint.test_sent",
            target=target(endpoint_id),
            details={"event": event.event_id},
        )
        return f"A test event ({event.event_id}) was queued; it goes out within a few seconds."

    return _run(endpoint_id, ActionForm(), work)


@blueprint.post("/webhooks/<int:endpoint_id>/deliveries/<int:delivery_id>/replay")
@admin_required
def webhook_replay(endpoint_id: int, delivery_id: int) -> Response:
    def work(db: Session) -> str:
        delivery = db.get(Delivery, delivery_id)
        if delivery is None or delivery.endpoint_id != endpoint_id:
            raise DeliveryNotFound(f"this endpoint has no delivery {delivery_id}")
        replay_delivery(db, delivery_id)
        record_action(
            db,
            "webhook_delivery.replayed",
            target=target(endpoint_id),
            details={"delivery_id": delivery_id},
        )
        queued = "The delivery was queued to go out again under the same webhook-id."
        return queued + _paused(db, endpoint_id)

    return _run(endpoint_id, ActionForm(), work)


@blueprint.post("/webhooks/<int:endpoint_id>/replay-since")
@admin_required
def webhook_replay_since(endpoint_id: int) -> Response:
    form = ReplaySinceForm()

    def work(db: Session) -> str:
        since = form.since_utc()
        count = replay_since(db, endpoint_id, since)
        details = {"since": since.isoformat(), "deliveries": count}
        record_action(
            db, "webhook_delivery.replayed_since", target=target(endpoint_id), details=details
        )
        if not count:
            return f"No delivery was made since {when(since)}; nothing was queued."
        plural = "delivery was" if count == 1 else "deliveries were"
        queued = f"{count} {plural} made since {when(since)} queued to go out again."
        return queued + _paused(db, endpoint_id)

    return _run(endpoint_id, form, work)


@blueprint.route("/webhooks/<int:endpoint_id>/delete", methods=["GET", "POST"])
@admin_required
def webhook_delete(endpoint_id: int) -> Response | str:
    endpoint = summary_or_404(endpoint_id)
    form = ActionForm()
    if not form.validate_on_submit():
        return render_template("webhooks/delete.html", endpoint=endpoint, form=form)
    with hub().database.session() as db:
        delete_endpoint(db, endpoint_id)
        details = {"url": endpoint.url, "deliveries": endpoint.total}
        record_action(db, "webhook_endpoint.deleted", target=target(endpoint_id), details=details)
    flash(f"The endpoint {endpoint.url} and its delivery log were deleted.", "success")
    return redirect(url_for("ui.webhooks"))


def _paused(db: Session, endpoint_id: int) -> str:
    """A note for replays to a disabled endpoint: claims skip it until it is enabled."""
    return "" if get_endpoint(db, endpoint_id).enabled else WHILE_DISABLED


def _run(endpoint_id: int, form: FlaskForm, work: Work) -> Response:
    """Validate, act and audit in one transaction, then show the outcome as a notice."""
    summary_or_404(endpoint_id)
    if not form.validate_on_submit():
        flash(_form_error(form), "error")
    else:
        try:
            with hub().database.session() as db:
                message = work(db)
        except EndpointNotFound:
            abort(404)
        except (EndpointDisabled, DeliveryNotFound) as exc:
            flash(as_sentence(str(exc)), "error")
        else:
            flash(message, "success")
    return redirect(url_for("ui.webhook", endpoint_id=endpoint_id))


def _form_error(form: FlaskForm) -> str:
    for field in form:
        for message in field.errors:
            label = field.label.text if field.label and field.label.text else field.name
            return as_sentence(f"{label}: {message}")
    return "The form could not be read; reload the page and try again."
