"""Sign-in with a rate limit, sign-out, and the single-use first-admin setup link."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from core.accounts import (
    AccountError,
    LoginPolicy,
    TooManyAttempts,
    authenticate,
    complete_setup,
    has_users,
    setup_token_valid,
)
from core.models import utcnow
from core.passwords import WeakPassword
from web.audit import client_address, record_action
from web.auth.forms import LoginForm, SetupForm
from web.auth.identity import SignedInUser, safe_next
from web.context import hub
from web.text import as_sentence, describe_wait

blueprint = Blueprint("auth", __name__)

WRONG_CREDENTIALS = "Wrong email or password."
Page = Response | tuple[str, int] | tuple[str, int, dict[str, str]]


class SetupLinkUsed(Exception):
    """The link was used or expired between showing the form and submitting it."""


@blueprint.route("/login", methods=["GET", "POST"])
def login() -> Page:
    if current_user.is_authenticated:
        return redirect(url_for("ui.dashboard"))
    form = LoginForm()
    if not form.validate_on_submit():
        return _login_page(form, status=400 if form.is_submitted() else 200)
    try:
        user = _check_credentials(form.email.data or "", form.password.data or "")
    except TooManyAttempts as exc:
        error = f"Too many failed sign-ins. Try again in {describe_wait(exc.retry_after)}."
        return _login_page(form, error, 429, {"Retry-After": str(exc.retry_after)})
    if user is None:
        return _login_page(form, WRONG_CREDENTIALS, 401)
    _start_session(user)
    return redirect(safe_next(request.args.get("next")) or url_for("ui.dashboard"))


@blueprint.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    with hub().database.session() as db:
        record_action(db, "auth.sign_out")
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@blueprint.route("/setup/<token>", methods=["GET", "POST"])
def setup(token: str) -> Page:
    with hub().database.session() as db:
        valid = setup_token_valid(db, token)
    if not valid:
        return render_template("auth/setup_invalid.html"), 404
    form = SetupForm()
    if not form.validate_on_submit():
        return _setup_page(form, status=400 if form.is_submitted() else 200)
    try:
        user = _create_first_admin(token, form)
    except SetupLinkUsed:
        return render_template("auth/setup_invalid.html"), 404
    except (AccountError, WeakPassword) as exc:
        return _setup_page(form, as_sentence(str(exc)), 400)
    _start_session(user)
    flash("Your administrator account is ready.", "success")
    return redirect(url_for("ui.dashboard"))


def _check_credentials(email: str, password: str) -> SignedInUser | None:
    """Failed attempts are committed too: they are what the rate limit counts."""
    settings = hub().settings
    policy = LoginPolicy(settings.login_max_failures, settings.login_window_seconds)
    with hub().database.session() as db:
        user = authenticate(db, email, password, client_address(), policy)
        if user is None:
            return None
        record_action(db, "auth.sign_in", actor=user, target=user.email)
        return SignedInUser.of(user)


def _create_first_admin(token: str, form: SetupForm) -> SignedInUser:
    with hub().database.session() as db:
        if not setup_token_valid(db, token):
            raise SetupLinkUsed
        user = complete_setup(
            db,
            token,
            email=form.email.data or "",
            password=form.password.data or "",
            name=(form.name.data or "").strip(),
        )
        user.last_login_at = utcnow()
        record_action(db, "setup.completed", actor=user, target=user.email)
        return SignedInUser.of(user)


def _start_session(user: SignedInUser) -> None:
    """A fresh session at sign-in: nothing set before it (old CSRF token, planted
    values) survives into the signed-in session."""
    session.clear()
    login_user(user)


def _login_page(
    form: LoginForm, error: str = "", status: int = 200, headers: dict[str, str] | None = None
) -> tuple[str, int, dict[str, str]]:
    with hub().database.session() as db:
        first_run = not has_users(db)
    body = render_template("auth/login.html", form=form, error=error, first_run=first_run)
    return body, status, headers or {}


def _setup_page(form: SetupForm, error: str = "", status: int = 200) -> tuple[str, int]:
    return render_template("auth/setup.html", form=form, error=error), status
