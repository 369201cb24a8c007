"""The private ranges webhooks may reach on purpose, as an admin setting.

Two sources admit a range: ``CRMHUB_OUTBOUND_ALLOWLIST`` (shown here read-only, it
belongs to whoever runs the deployment) and this page's list, stored through
``webhooks.outbound.allowlist``. Disguised addresses stay refused whatever is listed.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from core.models import AppSetting
from web.audit import record_action
from web.auth.roles import admin_required
from web.context import hub
from web.text import as_sentence
from web.ui.blueprint import blueprint
from web.ui.webhooks_forms import AllowlistForm
from webhooks.outbound import save_allowlist
from webhooks.outbound.allowlist import ALLOWLIST_KEY


@blueprint.route("/webhooks/allowed-ranges", methods=["GET", "POST"])
@admin_required
def webhook_allowlist() -> Response | tuple[str, int]:
    form = AllowlistForm()
    if form.validate_on_submit() and _save(form):
        flash("The allowed private ranges were saved.", "success")
        return redirect(url_for("ui.webhook_allowlist"))
    if not form.is_submitted():
        with hub().database.session() as db:
            form.cidrs.data = "\n".join(stored_cidrs(db))
    status = 400 if form.is_submitted() else 200
    body = render_template(
        "webhooks/allowlist.html", form=form, from_settings=hub().settings.outbound_allowlist
    )
    return body, status


def stored_cidrs(db: Session) -> list[str]:
    """The administrator's list as stored (the settings' ranges are not in it)."""
    row = db.get(AppSetting, ALLOWLIST_KEY)
    return [str(cidr) for cidr in row.value.get("cidrs", [])] if row is not None else []


def _save(form: AllowlistForm) -> bool:
    try:
        with hub().database.session() as db:
            before = stored_cidrs(db)
            saved = [str(network) for network in save_allowlist(db, form.entries())]
            details = {"before": before, "after": saved}
            record_action(
                db, "webhook_allowlist.changed", target="webhook allow-list", details=details
            )
    except ValueError as exc:
        form.cidrs.errors.append(as_sentence(str(exc)))
        return False
    return True
