"""Web forms for admins: add a source, then see its hook URL, secret and a form to copy.

The secret is shown once. The create form posts, stores the source and redirects; the
secret rides in the session to the source's page, encrypted with the vault (the session
cookie is signed, not encrypted), and is taken out as it is shown: a reload finds
nothing.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, session, url_for
from marshmallow import ValidationError
from werkzeug.wrappers import Response

from connectors.forms import FormsConnector, SourceExists, create_forms_source
from core.models import Connector
from core.vault import SecretUnreadable
from web.audit import record_action
from web.auth.roles import admin_required
from web.context import hub
from web.text import as_sentence
from web.ui.blueprint import blueprint
from web.ui.web_form_fields import CreateWebFormForm
from webhooks.inbound import hook_url, inbound_sources

SESSION_KEY = "forms_secret"


@blueprint.route("/inbound/web-forms", methods=["GET", "POST"])
@admin_required
def inbound_forms() -> Response | tuple[str, int]:
    form = CreateWebFormForm()
    error = ""
    if form.validate_on_submit():
        try:
            connector_id = _create(form)
        except (SourceExists, ValueError, ValidationError) as exc:
            error = as_sentence(_message(exc))
        else:
            flash("The web form source was added.", "success")
            return redirect(url_for("ui.inbound_form", connector_id=connector_id))
    with hub().database.session() as db:
        sources = inbound_sources(db, [FormsConnector.kind])
    status = 400 if form.is_submitted() else 200
    base_url = hub().settings.base_url
    body = render_template(
        "inbound/forms.html", sources=sources, form=form, error=error, base_url=base_url
    )
    return body, status


@blueprint.get("/inbound/web-forms/<int:connector_id>")
@admin_required
def inbound_form(connector_id: int) -> str:
    with hub().database.session() as db:
        row = db.get(Connector, connector_id)
        if row is None or row.kind != FormsConnector.kind:
            abort(404)
        name, auth = row.name, str((row.settings or {}).get("auth", "hmac"))
    secret = _take_secret(connector_id)
    base_url = hub().settings.base_url
    return render_template(
        "inbound/source.html",
        connector_id=connector_id,
        name=name,
        auth=auth,
        secret=secret,
        signed_url=hook_url(base_url, connector_id),
        secret_url=hook_url(base_url, connector_id, secret) if secret else None,
    )


def _create(form: CreateWebFormForm) -> int:
    auth = form.auth.data or "token"
    settings: dict[str, Any] = {}
    if form.default_region.data:
        settings["default_region"] = form.default_region.data.upper()
    with hub().database.session() as db:
        created = create_forms_source(
            db, hub().vault, form.name.data or "", auth=auth, settings=settings
        )
        record_action(
            db,
            "forms.created",
            target=f"connector {created.connector_id}",
            details={"name": created.name, "auth": created.auth, **settings},
        )
    session[SESSION_KEY] = {
        "connector_id": created.connector_id,
        "token": hub().vault.encrypt(created.secret),
    }
    return created.connector_id


def _take_secret(connector_id: int) -> str | None:
    """The stashed secret of this source, removed from the session; None after that."""
    stashed = session.get(SESSION_KEY)
    if not isinstance(stashed, dict) or stashed.get("connector_id") != connector_id:
        return None
    session.pop(SESSION_KEY)
    try:
        return hub().vault.decrypt(str(stashed.get("token", "")))
    except SecretUnreadable:
        return None


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(
            f"{name}: {problem}" for name, problem in exc.normalized_messages().items()
        )
    return str(exc)
