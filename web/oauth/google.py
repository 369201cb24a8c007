"""Connect Gmail: the redirect to Google's consent page and the callback that follows.

Only the PKCE verifier and the state live in the session, and only between the two
requests; the tokens go straight from the token endpoint to the vault.
"""

from __future__ import annotations

import secrets
from typing import Any

import requests
from flask import current_app, flash, redirect, request, session, url_for
from flask_login import current_user, login_required
from googleapiclient.errors import HttpError
from werkzeug.wrappers import Response

from connectors.gmail.client import GmailClient
from connectors.gmail.config import GoogleApp
from connectors.gmail.oauth import authorization_url, exchange_code, pkce_pair
from connectors.sync.errors import SyncError
from web.audit import record_action
from web.context import hub
from web.errors import render_error_page
from web.oauth.blueprint import blueprint
from web.oauth.grants import save_grant
from web.ui.mailboxes_sync import request_sync

SESSION_KEY = "oauth.google"
NOT_CONFIGURED = (
    "Gmail cannot be connected yet: this crmhub has no Google OAuth client. An "
    "administrator sets CRMHUB_GOOGLE_CLIENT_ID and CRMHUB_GOOGLE_CLIENT_SECRET "
    "and restarts crmhub."
)
BAD_STATE = (
    "This sign-in answer does not belong to a Gmail connection started here (it may be "
    "old, or opened in another browser). Nothing was connected; start again from "
    "My mailboxes."
)
DENIED = "Google did not grant access to the mailbox, so nothing was connected."
Page = Response | tuple[str, int, dict[str, str]]


def callback_url() -> str:
    return hub().settings.base_url.rstrip("/") + "/oauth/google/callback"


@blueprint.get("/google/start")
@login_required
def google_start() -> Page:
    if not hub().settings.google.configured:
        return render_error_page(503, NOT_CONFIGURED)
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(32)
    session[SESSION_KEY] = {"state": state, "verifier": verifier}
    target = authorization_url(
        GoogleApp.from_settings(hub().settings.google),
        redirect_uri=callback_url(),
        state=state,
        challenge=challenge,
        login_hint=current_user.email,
    )
    return redirect(target)


@blueprint.get("/google/callback")
@login_required
def google_callback() -> Page:
    pending: dict[str, str] = session.pop(SESSION_KEY, None) or {}
    state = request.args.get("state", "")
    if not pending or not secrets.compare_digest(state, pending.get("state", "")):
        return render_error_page(400, BAD_STATE)
    if request.args.get("error"):
        flash(_refusal(request.args["error"]), "error")
        return redirect(url_for("ui.mailboxes"))
    code = request.args.get("code", "")
    if not code:
        return render_error_page(400, "Google's answer carried no authorization code.")
    try:
        tokens, address = _grant(code, pending["verifier"])
    except (SyncError, HttpError, KeyError) as error:
        current_app.logger.warning("Gmail connect failed: %s", type(error).__name__)
        return render_error_page(502, _failure(error))
    connector_id = _store(tokens, address)
    queued = request_sync(connector_id, after_connect=True)
    flash(f"{address} is connected. {queued.message}", "success" if queued.queued else "warn")
    return redirect(url_for("ui.mailbox", connector_id=connector_id))


def _grant(code: str, verifier: str) -> tuple[dict[str, Any], str]:
    """Tokens for the code, and the address of the mailbox they open."""
    app = GoogleApp.from_settings(hub().settings.google)
    with requests.Session() as http:
        tokens = exchange_code(
            app, code=code, verifier=verifier, redirect_uri=callback_url(), session=http
        )
    access = str(tokens["access_token"])
    profile = GmailClient(app, lambda _rejected: access).profile()
    return tokens, str(profile["emailAddress"]).lower()


def _store(tokens: dict[str, Any], address: str) -> int:
    with hub().database.session() as db:
        saved = save_grant(
            db, hub().vault, user_id=int(current_user.id), address=address, tokens=tokens
        )
        action = "mailbox.connected" if saved.created else "mailbox.reconnected"
        record_action(
            db, action, target=f"connector {saved.connector_id}", details={"email": address}
        )
    return saved.connector_id


def _refusal(error: str) -> str:
    if error == "access_denied":
        return DENIED + " To log your email, connect again and choose Allow."
    return f"Google answered “{error}” instead of granting access; nothing was connected."


def _failure(error: Exception) -> str:
    if isinstance(error, SyncError):
        return f"The mailbox could not be connected: {error}. Try connecting again."
    return "The mailbox could not be connected: Gmail did not tell us its address. Try again."
