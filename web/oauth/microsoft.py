"""Connect Outlook: MSAL's auth code flow (PKCE, state, nonce) and the callback that ends it.

MSAL's ``flow`` dict lives in the session only between the two requests and is removed
when the callback reads it. After the grant is stored and a sync queued, the mailbox is
subscribed for Graph change notifications when Graph can reach this crmhub; a failed
subscription leaves the mailbox connected (polling still syncs it) and says why.
"""

from __future__ import annotations

import ipaddress
import secrets
import warnings
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from connectors.outlook.account import mailbox_client
from connectors.outlook.auth import finish_connect, start_connect
from connectors.outlook.client import GraphClient, GraphRequestFailed
from connectors.outlook.config import MicrosoftApp
from connectors.outlook.mailbox import Mailbox
from connectors.outlook.subscriptions import KEY, renew_if_due, stored_subscription, subscribe
from connectors.sync.errors import SyncError
from core.db import Database
from core.models import Connector, utcnow
from core.settings import Settings
from core.vault import Vault
from web.audit import record_action
from web.context import hub
from web.errors import render_error_page
from web.oauth.blueprint import blueprint
from web.ui.mailboxes_sync import request_sync

SESSION_KEY = "oauth.microsoft"
OUTLOOK = "outlook"
DEFAULT_SETTINGS = {"backfill_days": 90, "page_size": 100}
NOT_CONFIGURED = (
    "Outlook cannot be connected yet: this crmhub has no Microsoft app. An administrator "
    "sets CRMHUB_MICROSOFT_CLIENT_ID and CRMHUB_MICROSOFT_CLIENT_SECRET and restarts crmhub."
)
BAD_STATE = (
    "This sign-in answer does not belong to an Outlook connection started here (it may be "
    "old, or opened in another browser). Nothing was connected; start again from "
    "My mailboxes."
)
DENIED = "Microsoft did not grant access to the mailbox, so nothing was connected."
NO_PUSH = "New mail is picked up by the regular sync; instant notifications could not be set up"
Page = Response | tuple[str, int, dict[str, str]]


def callback_url() -> str:
    return hub().settings.base_url.rstrip("/") + "/oauth/microsoft/callback"


def microsoft_app() -> MicrosoftApp:
    settings = hub().settings
    return MicrosoftApp.from_settings(settings.microsoft, settings.microsoft_ca_bundle)


@blueprint.get("/microsoft/start")
@login_required
def microsoft_start() -> Page:
    if not hub().settings.microsoft.configured:
        return render_error_page(503, NOT_CONFIGURED)
    app = microsoft_app()
    try:
        with app.http_session() as http, warnings.catch_warnings():
            # MSAL suggests response_mode=form_post; that answer is a cross-site POST, which
            # the Lax session cookie (holding this flow) does not accompany. The query mode
            # is protected by PKCE, state and nonce.
            warnings.filterwarnings("ignore", "response_mode='form_post'", UserWarning)
            flow = start_connect(
                app, http, redirect_uri=callback_url(), login_hint=current_user.email
            )
    except SyncError as error:
        current_app.logger.warning("Outlook connect could not start: %s", type(error).__name__)
        return render_error_page(502, f"Microsoft's sign-in cannot be reached: {error}.")
    session[SESSION_KEY] = flow
    return redirect(str(flow["auth_uri"]))


@blueprint.get("/microsoft/callback")
@login_required
def microsoft_callback() -> Page:
    flow: dict[str, Any] = session.pop(SESSION_KEY, None) or {}
    state = request.args.get("state", "")
    if not flow or not secrets.compare_digest(state, str(flow.get("state", ""))):
        return render_error_page(400, BAD_STATE)
    if request.args.get("error"):
        flash(_refusal(request.args["error"]), "error")
        return redirect(url_for("ui.mailboxes"))
    if not request.args.get("code"):
        return render_error_page(400, "Microsoft's answer carried no authorization code.")
    app = microsoft_app()
    try:
        with app.http_session() as http:
            credentials = finish_connect(app, http, flow, request.args)
    except SyncError as error:
        current_app.logger.warning("Outlook connect failed: %s", type(error).__name__)
        return render_error_page(502, f"The mailbox could not be connected: {error}. Try again.")
    address = credentials.pop("email", "")
    object_id = credentials.pop("object_id", "")
    if not address:
        return render_error_page(502, "Microsoft did not tell us the mailbox's address. Try again.")
    connector_id = _store(credentials, address, object_id)
    queued = request_sync(connector_id, after_connect=True)
    flash(f"{address} is connected. {queued.message}", "success" if queued.queued else "warn")
    problem = _subscribe(app, connector_id)
    if problem:
        flash(f"{NO_PUSH}: {problem}", "warn")
    return redirect(url_for("ui.mailbox", connector_id=connector_id))


def _store(credentials: dict[str, Any], address: str, object_id: str) -> int:
    with hub().database.session() as db:
        connector_id, created = save_outlook_grant(
            db, user_id=int(current_user.id), address=address, object_id=object_id,
            credentials=credentials,
        )  # fmt: skip
        action = "mailbox.connected" if created else "mailbox.reconnected"
        record_action(
            db, action, target=f"connector {connector_id}",
            details={"email": address, "provider": OUTLOOK},
        )  # fmt: skip
    return connector_id


def save_outlook_grant(
    db: Session,
    *,
    user_id: int,
    address: str,
    object_id: str,
    credentials: dict[str, Any],
) -> tuple[int, bool]:
    """Create or refresh the rep's Outlook connector for ``address`` (one per rep and
    address, so a reconnect resumes from the stored cursor); True when created.

    A stored subscription is kept: its clientState is what proves its notifications.
    """
    vault = hub().vault
    address = address.strip().lower()
    row = next(
        (
            found
            for found in db.scalars(
                select(Connector).where(Connector.kind == OUTLOOK, Connector.owner_id == user_id)
            )
            if str((found.settings or {}).get("email", found.name)).lower() == address
        ),
        None,
    )
    created = row is None
    if row is None:
        row = Connector(kind=OUTLOOK, name=address, owner_id=user_id, settings=DEFAULT_SETTINGS)
        db.add(row)
    elif row.credentials_encrypted:
        previous = vault.decrypt_json(row.credentials_encrypted).get(KEY)
        if previous:
            credentials = {**credentials, KEY: previous}
    settings = {**(row.settings or DEFAULT_SETTINGS), "email": address, "mode": "delegated"}
    row.settings = {**settings, "user_id": object_id or address}
    row.credentials_encrypted = vault.encrypt_json(credentials)
    row.status = "active"
    row.last_error = ""
    db.flush()
    return row.id, created


def notifications_reachable(settings: Settings) -> bool:
    """Graph only posts to https URLs; an http crmhub on an address the outbound allow-list
    names (a local Graph emulator's network) may still be subscribed."""
    parts = urlsplit(settings.base_url)
    if parts.scheme == "https":
        return True
    try:
        host = ipaddress.ip_address(parts.hostname or "")
    except ValueError:
        return False
    return any(host in ipaddress.ip_network(cidr) for cidr in settings.outbound_allowlist)


def _subscribe(app: MicrosoftApp, connector_id: int) -> str:
    """Subscribe (or renew a live subscription); the failure's wording, else ""."""
    settings = hub().settings
    if not notifications_reachable(settings):
        return ""
    database, vault = hub().database, hub().vault
    base = settings.base_url.rstrip("/")
    try:
        with database.session() as db:
            mailbox = Mailbox.load(db, connector_id)
        with app.http_session() as http:
            client = mailbox_client(database, vault, app, mailbox, http=http)
            ensure_subscription(
                database, vault, client, connector_id,
                notification_url=f"{base}/push/graph",
                lifecycle_url=f"{base}/push/graph/lifecycle",
            )  # fmt: skip
    except (SyncError, GraphRequestFailed) as error:
        current_app.logger.warning("Outlook subscription failed: %s", error)
        problem = str(error)
    else:
        return ""
    with database.session() as db:
        row = db.get(Connector, connector_id)
        if row is not None:
            row.last_error = f"{NO_PUSH}: {problem}"
    return problem


def ensure_subscription(
    database: Database,
    vault: Vault,
    client: GraphClient,
    connector_id: int,
    *,
    notification_url: str,
    lifecycle_url: str,
) -> None:
    """Renew the stored subscription when it points here; one gone at Graph (expired while
    the grant was revoked, or removed) or pointing elsewhere is replaced by a new one."""
    record = stored_subscription(database, vault, connector_id)
    if record is not None and record.get("notification_url") == notification_url:
        try:
            renew_if_due(database, vault, client, connector_id, now=utcnow())
        except GraphRequestFailed as error:
            if error.status != 404:
                raise
        else:
            return
    subscribe(database, vault, client, connector_id,
              notification_url=notification_url, lifecycle_url=lifecycle_url)  # fmt: skip


def _refusal(error: str) -> str:
    if error == "access_denied":
        return DENIED + " To log your email, connect again and choose Accept."
    return f"Microsoft answered “{error}” instead of granting access; nothing was connected."
