"""Mailbox pages: a rep's connected Gmail and Outlook mailboxes (all of them for admins) and each
mailbox's state, latest sync and tally.

A mailbox page is rendered once and then kept current by its script polling the JSON
twin until the sync it shows has finished.
"""

from __future__ import annotations

from flask import Response, abort, current_app, flash, jsonify, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from web.context import hub
from web.ui.blueprint import blueprint
from web.ui.mailboxes_sync import request_sync
from web.ui.mailboxes_view import (
    MailboxView,
    RunView,
    eta_text,
    mailbox_view,
    mailbox_views,
    rate_text,
    run_json,
)

POLL_SECONDS = 1.0
NOT_ACTIVE = {
    "needs_reconnect": "This mailbox needs to be reconnected before it can sync.",
    "paused": "This mailbox is paused, so it does not sync.",
}


@blueprint.get("/mailboxes")
@login_required
def mailboxes() -> str:
    owner = None if current_user.is_admin else int(current_user.id)
    with hub().database.session() as db:
        views = mailbox_views(db, owner)
    return render_template(
        "mailboxes/list.html",
        mailboxes=views,
        everyone=current_user.is_admin,
        configured=hub().settings.google.configured,
        outlook_configured=hub().settings.microsoft.configured,
    )


@blueprint.get("/mailboxes/<int:connector_id>")
@login_required
def mailbox(connector_id: int) -> str:
    view = visible_mailbox(connector_id)
    poll = current_app.config.get("MAILBOX_POLL_SECONDS", POLL_SECONDS)
    return render_template("mailboxes/detail.html", mailbox=view, poll_seconds=poll)


@blueprint.get("/ui/mailboxes/<int:connector_id>.json")
@login_required
def mailbox_json(connector_id: int) -> Response:
    return jsonify(run_json(visible_mailbox(connector_id)))


@blueprint.post("/mailboxes/<int:connector_id>/sync")
@login_required
def mailbox_sync(connector_id: int) -> BaseResponse:
    view = visible_mailbox(connector_id)
    if view.status in NOT_ACTIVE:
        flash(NOT_ACTIVE[view.status], "error")
    else:
        queued = request_sync(connector_id)
        flash(queued.message, "success" if queued.queued else "info")
    return redirect(url_for("ui.mailbox", connector_id=connector_id))


@blueprint.get("/ui/mailboxes.js")
@login_required
def mailbox_script() -> Response:
    """The page's script, served from here so it stays beside its template."""
    body = render_template("mailboxes/live.js")
    return Response(body, mimetype="text/javascript")


@blueprint.app_template_filter("mailbox_rate")
def mailbox_rate(rate: float | None) -> str:
    return rate_text(rate)


@blueprint.app_template_filter("mailbox_eta")
def mailbox_eta(run: RunView) -> str:
    return eta_text(run)


def visible_mailbox(connector_id: int) -> MailboxView:
    """The mailbox if it is the signed-in rep's own (any for admins); else 404."""
    with hub().database.session() as db:
        view = mailbox_view(db, connector_id)
    if view is None or not (current_user.is_admin or view.owner_id == int(current_user.id)):
        abort(404)
    return view
