"""Webhook endpoints for admins: the list, the create form, and the once-only secret page.

Creating runs the URL guard before anything is stored; a refusal is shown next to the
URL field with the guard's reason. The new ``whsec_`` secret is shown on the page the
form redirects to, and only there (see ``webhooks_secret``).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from web.audit import record_action
from web.auth.roles import admin_required
from web.context import hub
from web.text import as_sentence
from web.ui.blueprint import blueprint
from web.ui.webhooks_forms import EndpointForm
from web.ui.webhooks_secret import stash_secret, take_secret
from webhooks.outbound import EndpointNotFound, InvalidFilter, UnsafeURL, create_endpoint
from webhooks.outbound.listing import EndpointSummary, endpoint_summaries, endpoint_summary


@blueprint.get("/webhooks")
@admin_required
def webhooks() -> str:
    with hub().database.session() as db:
        endpoints = endpoint_summaries(db)
    return render_template("webhooks/list.html", endpoints=endpoints)


@blueprint.route("/webhooks/new", methods=["GET", "POST"])
@admin_required
def webhook_new() -> Response | tuple[str, int]:
    form = EndpointForm()
    if not form.is_submitted():
        form.event_types.data = ["customer.*"]
    if form.validate_on_submit():
        endpoint_id = _create(form)
        if endpoint_id is not None:
            return redirect(url_for("ui.webhook_secret", endpoint_id=endpoint_id))
    status = 400 if form.is_submitted() else 200
    return render_template("webhooks/new.html", form=form), status


@blueprint.get("/webhooks/<int:endpoint_id>/secret")
@admin_required
def webhook_secret(endpoint_id: int) -> str:
    shown = take_secret(endpoint_id)
    return render_template(
        "webhooks/secret.html", endpoint=summary_or_404(endpoint_id), shown=shown
    )


def summary_or_404(endpoint_id: int) -> EndpointSummary:
    try:
        with hub().database.session() as db:
            return endpoint_summary(db, endpoint_id)
    except EndpointNotFound:
        abort(404)


def _create(form: EndpointForm) -> int | None:
    """Store the endpoint and its audit entry; None with the refusal put on the form."""
    try:
        with hub().database.session() as db:
            created = create_endpoint(
                db,
                hub().vault,
                form.url.data or "",
                description=form.description.data or "",
                event_types=form.patterns(),
                settings_allowlist=hub().settings.outbound_allowlist,
            )
            endpoint = created.endpoint
            details = {"url": endpoint.url, "event_types": endpoint.event_types}
            record_action(
                db,
                "webhook_endpoint.created",
                target=f"webhook endpoint {endpoint.id}",
                details=details,
            )
    except UnsafeURL as exc:
        form.url.errors.append(as_sentence(exc.reason))
        return None
    except InvalidFilter as exc:
        form.other_types.errors.append(as_sentence(str(exc)))
        return None
    stash_secret(endpoint.id, created.secret)
    flash("The endpoint was created. Copy its signing secret now.", "success")
    return endpoint.id
