"""Email logging settings: the organization's (admins) and a rep's own block list.

The policy and the block lists change in one transaction: blocking also removes what
was already logged about the blocked people, and the flash says how much.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from core.activities.email import EmailPolicy, block, blocked_for, load_policy, save_policy, unblock
from web.audit import record_action
from web.auth.roles import admin_required
from web.context import hub
from web.ui.blueprint import blueprint
from web.ui.email_settings_forms import BlockListForm, EmailPolicyForm


@blueprint.route("/email-settings", methods=["GET", "POST"])
@admin_required
def email_settings() -> Response | tuple[str, int]:
    form = EmailPolicyForm()
    if not form.is_submitted():
        with hub().database.session() as db:
            _fill(form, load_policy(db))
    if form.validate_on_submit():
        with hub().database.session() as db:
            removed = _save_policy(db, form)
        flash("The email settings were saved." + removed_text(removed), "success")
        return redirect(url_for("ui.email_settings"))
    status = 400 if form.is_submitted() else 200
    return render_template("email_settings/admin.html", form=form), status


@blueprint.route("/my-email-blocks", methods=["GET", "POST"])
@login_required
def my_email_blocks() -> Response | tuple[str, int]:
    form = BlockListForm()
    user_id = int(current_user.id)
    if not form.is_submitted():
        with hub().database.session() as db:
            form.blocked.data = "\n".join(sorted(_rep_blocks(db, user_id)))
    if form.validate_on_submit():
        with hub().database.session() as db:
            removed, _added, _dropped = apply_blocks(
                db, _rep_blocks(db, user_id), form.blocked_values(), user_id=user_id
            )
        flash("Your block list was saved." + removed_text(removed), "success")
        return redirect(url_for("ui.my_email_blocks"))
    status = 400 if form.is_submitted() else 200
    return render_template("email_settings/personal.html", form=form), status


def removed_text(removed: int) -> str:
    if not removed:
        return ""
    noun = "email" if removed == 1 else "emails"
    return f" Blocking removed {removed} logged {noun}."


def apply_blocks(
    db: Session, current: set[str], wanted: set[str], *, user_id: int | None
) -> tuple[int, list[str], list[str]]:
    """Unblock what left the list, block what joined it; (activities changed, added, removed)."""
    added, dropped = sorted(wanted - current), sorted(current - wanted)
    for value in dropped:
        unblock(db, value, user_id=user_id)
    removed = sum(block(db, value, user_id=user_id) for value in added)
    return removed, added, dropped


def _rep_blocks(db: Session, user_id: int) -> set[str]:
    own = blocked_for(db, EmailPolicy(), user_id)
    return set(own.addresses | own.domains)


def _fill(form: EmailPolicyForm, policy: EmailPolicy) -> None:
    form.internal_domains.data = "\n".join(sorted(policy.internal_domains))
    form.creation.data = policy.creation
    form.skip_automated.data = policy.skip_automated
    form.store_bodies.data = policy.store_bodies
    form.blocked.data = "\n".join(sorted(policy.blocked_addresses | policy.blocked_domains))


def _save_policy(db: Session, form: EmailPolicyForm) -> int:
    before = load_policy(db)
    creation = form.creation.data or before.creation
    save_policy(
        db,
        EmailPolicy(
            internal_domains=form.domains(),
            creation=creation,  # type: ignore[arg-type] - the radio's choices are the policies
            skip_automated=bool(form.skip_automated.data),
            store_bodies=bool(form.store_bodies.data),
            blocked_addresses=before.blocked_addresses,
            blocked_domains=before.blocked_domains,
        ),
    )
    db.flush()
    current = set(before.blocked_addresses | before.blocked_domains)
    removed, added, dropped = apply_blocks(db, current, form.blocked_values(), user_id=None)
    details = {
        "internal_domains": sorted(form.domains()),
        "creation": creation,
        "skip_automated": bool(form.skip_automated.data),
        "store_bodies": bool(form.store_bodies.data),
        "blocked": added,
        "unblocked": dropped,
        "activities_removed": removed,
    }
    record_action(db, "email_settings.changed", target="email policy", details=details)
    return removed
