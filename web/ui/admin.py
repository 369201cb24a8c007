"""Admin pages: the audit log and user management."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from core.accounts import AccountError, create_user
from core.passwords import WeakPassword
from web.audit import record_action
from web.auth.roles import admin_required
from web.context import hub
from web.pagination import requested_page
from web.queries import all_users, audit_page
from web.text import as_sentence
from web.ui.blueprint import blueprint
from web.ui.forms import CreateUserForm

AUDIT_PER_PAGE = 50


@blueprint.get("/audit-log")
@admin_required
def audit_log() -> str:
    page = requested_page(request.args.get("page", 1, type=int))
    if page is None:
        abort(404)
    with hub().database.session() as db:
        listing = audit_page(db, page, AUDIT_PER_PAGE)
    if page > listing.pages:
        abort(404)
    return render_template("ui/audit_log.html", listing=listing)


@blueprint.route("/users", methods=["GET", "POST"])
@admin_required
def users() -> Response | tuple[str, int]:
    form = CreateUserForm()
    error = ""
    if form.validate_on_submit():
        try:
            email = _create_user(form)
        except (AccountError, WeakPassword) as exc:
            error = as_sentence(str(exc))
        else:
            flash(f"User {email} created.", "success")
            return redirect(url_for("ui.users"))
    status = 400 if form.is_submitted() else 200
    with hub().database.session() as db:
        people = all_users(db)
    return render_template("ui/users.html", users=people, form=form, error=error), status


def _create_user(form: CreateUserForm) -> str:
    role = form.role.data or "rep"
    with hub().database.session() as db:
        user = create_user(
            db,
            form.email.data or "",
            role,
            password=form.password.data or "",
            name=(form.name.data or "").strip(),
        )
        record_action(db, "user.created", target=user.email, details={"role": role})
        return user.email
