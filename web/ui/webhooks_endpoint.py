"""One webhook endpoint's page: its settings, its actions and its delivery log.

The edit form posts here too; a URL the guard refuses (or a pattern that can never
match) comes back on the same page, next to its field, with nothing changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from core.models import utcnow
from web.audit import record_action
from web.auth.roles import admin_required
from web.context import hub
from web.pagination import Paged, requested_page
from web.text import as_sentence
from web.ui.blueprint import blueprint
from web.ui.webhooks import summary_or_404
from web.ui.webhooks_forms import ActionForm, EndpointForm, ReplaySinceForm
from webhooks.outbound import InvalidFilter, UnsafeURL, update_endpoint
from webhooks.outbound.listing import DeliveryRow, EndpointSummary, delivery_slice

DELIVERIES_PER_PAGE = 25


@dataclass(frozen=True)
class DeliveryLog(Paged):
    deliveries: list[DeliveryRow]
    page: int
    per_page: int
    total: int


@blueprint.get("/webhooks/<int:endpoint_id>")
@admin_required
def webhook(endpoint_id: int) -> tuple[str, int]:
    endpoint = summary_or_404(endpoint_id)
    form = EndpointForm(formdata=None, obj=endpoint)
    form.show(endpoint.event_types)
    return render_endpoint(endpoint, form)


@blueprint.post("/webhooks/<int:endpoint_id>/edit")
@admin_required
def webhook_edit(endpoint_id: int) -> Response | tuple[str, int]:
    endpoint = summary_or_404(endpoint_id)
    form = EndpointForm()
    if form.validate_on_submit() and _update(endpoint_id, form, endpoint.url):
        flash("The endpoint was saved.", "success")
        return redirect(url_for("ui.webhook", endpoint_id=endpoint_id))
    return render_endpoint(endpoint, form, status=400)


def render_endpoint(
    endpoint: EndpointSummary, form: EndpointForm, status: int = 200
) -> tuple[str, int]:
    page = requested_page(request.args.get("page", 1, type=int))
    if page is None:
        abort(404)
    with hub().database.session() as db:
        found = delivery_slice(
            db, endpoint.id, (page - 1) * DELIVERIES_PER_PAGE, DELIVERIES_PER_PAGE
        )
    log = DeliveryLog(found.rows, page, DELIVERIES_PER_PAGE, found.total)
    if page > log.pages:
        abort(404)
    now = utcnow()
    replay_form = ReplaySinceForm(formdata=None)
    replay_form.suggest(now)
    body = render_template(
        "webhooks/endpoint.html",
        endpoint=endpoint,
        form=form,
        replay_form=replay_form,
        action_form=ActionForm(),
        log=log,
        now=now,
    )
    return body, status


def _update(endpoint_id: int, form: EndpointForm, current_url: str) -> bool:
    """Save the form with its audit entry; False with the refusal put on the form.

    Only a changed URL goes through the guard here: an unchanged one is checked again
    before every send anyway, and a description edit should not fail on it.
    """
    url = (form.url.data or "").strip()
    try:
        with hub().database.session() as db:
            endpoint = update_endpoint(
                db,
                endpoint_id,
                url=url if url != current_url else None,
                description=form.description.data or "",
                event_types=form.patterns(),
                settings_allowlist=hub().settings.outbound_allowlist,
            )
            details = {
                "url": endpoint.url,
                "description": endpoint.description,
                "event_types": endpoint.event_types,
            }
            record_action(
                db,
                "webhook_endpoint.changed",
                target=f"webhook endpoint {endpoint_id}",
                details=details,
            )
    except UnsafeURL as exc:
        form.url.errors.append(as_sentence(exc.reason))
        return False
    except InvalidFilter as exc:
        form.other_types.errors.append(as_sentence(str(exc)))
        return False
    return True
