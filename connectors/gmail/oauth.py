"""A rep's Gmail grant: authorization code with PKCE, offline access, and refresh.

The access and refresh tokens are stored encrypted on the mailbox's connector row;
``refresher`` plugs into the single-flight refresh of ``connectors.sync.tokens``.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import requests

from connectors.gmail.config import GMAIL_SCOPE, GoogleApp
from connectors.sync.errors import NeedsReconnect, Transient
from core.models import utcnow

TIMEOUT = 15


def pkce_pair() -> tuple[str, str]:
    """A code verifier and its S256 challenge (RFC 7636)."""
    verifier = secrets.token_urlsafe(64)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def authorization_url(
    app: GoogleApp, *, redirect_uri: str, state: str, challenge: str, login_hint: str = ""
) -> str:
    params = {
        "client_id": app.client_id,
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "scope": GMAIL_SCOPE,
        "access_type": "offline",  # a refresh token, so sync runs while the rep is away
        "prompt": "consent",
        "include_granted_scopes": "true",
        "state": state,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    if login_hint:
        params["login_hint"] = login_hint
    return f"{app.auth_uri}?{urlencode(params)}"


def exchange_code(
    app: GoogleApp, *, code: str, verifier: str, redirect_uri: str, session: requests.Session
) -> dict[str, Any]:
    """The first tokens of a grant; NeedsReconnect when Google refuses the code."""
    return _token_request(
        app,
        {
            "grant_type": "authorization_code",
            "code": code,
            "code_verifier": verifier,
            "redirect_uri": redirect_uri,
        },
        session,
    )


def refresher(
    app: GoogleApp, session: requests.Session
) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def refresh(stored: dict[str, Any]) -> dict[str, Any]:
        token = stored.get("refresh_token")
        if not token:
            raise NeedsReconnect("no refresh token is stored: connect the mailbox again")
        return _token_request(app, {"grant_type": "refresh_token", "refresh_token": token}, session)

    return refresh


def _token_request(
    app: GoogleApp, form: dict[str, str], session: requests.Session
) -> dict[str, Any]:
    data = {**form, "client_id": app.client_id, "client_secret": app.client_secret}
    try:
        response = session.post(app.token_uri, data=data, timeout=TIMEOUT)
    except requests.RequestException as error:
        raise Transient(f"token endpoint unreachable: {error}") from error
    if response.status_code >= 500 or response.status_code == 429:
        raise Transient(f"token endpoint answered {response.status_code}")
    body = _json(response)
    if response.status_code != 200 or "access_token" not in body:
        reason = body.get("error_description") or body.get("error") or response.status_code
        raise NeedsReconnect(f"Google refused the grant: {reason}")
    fresh: dict[str, Any] = {
        "access_token": body["access_token"],
        "expires_at": (utcnow() + timedelta(seconds=int(body.get("expires_in", 3600)))).isoformat(),
    }
    if body.get("refresh_token"):  # Google may rotate it; keep the newest
        fresh["refresh_token"] = body["refresh_token"]
    return fresh


def _json(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
