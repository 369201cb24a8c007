"""Microsoft tokens through MSAL: a rep's delegated grant, or the organization's app-only one.

MSAL reports refusals as a dict with ``error`` rather than raising; they are turned into
the sync framework's errors here, once: a refused grant (``invalid_grant`` and its
kin) is NeedsReconnect, anything else Transient. Refresh tokens rotate at Microsoft, so
every refresh returns the new one for ``current_credentials`` to store.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

import msal
import requests

from connectors.outlook.config import GRAPH_DEFAULT_SCOPE, MAIL_SCOPES, MicrosoftApp
from connectors.sync.errors import NeedsReconnect, Transient
from core.models import utcnow

Credentials = dict[str, Any]
# Errors only the rep (or an admin) can fix; retrying them cannot help.
REFUSALS = frozenset(
    {"invalid_grant", "interaction_required", "invalid_client", "unauthorized_client",
     "consent_required", "invalid_scope"}
)  # fmt: skip


def msal_app(app: MicrosoftApp, http: requests.Session) -> msal.ConfidentialClientApplication:
    """MSAL's client; instance discovery off so a non-Microsoft authority (an emulator) works.

    MSAL reads the authority's openid-configuration while constructing, so an
    unreachable authority is Transient here.
    """
    try:
        return msal.ConfidentialClientApplication(
            app.client_id,
            client_credential=app.client_secret,
            authority=app.authority,
            instance_discovery=False,
            http_client=http,
            token_cache=msal.TokenCache(),
        )
    except (requests.RequestException, ValueError) as error:
        raise Transient(f"Microsoft authority unreachable: {error}") from error


def app_only_token(client: msal.ConfidentialClientApplication) -> Credentials:
    """An application token for Graph (client credentials; MSAL caches it until expiry)."""
    result = _call(lambda: client.acquire_token_for_client([GRAPH_DEFAULT_SCOPE]))
    return _credentials(result, "the app-only token")


def start_connect(
    app: MicrosoftApp, http: requests.Session, *, redirect_uri: str, login_hint: str = ""
) -> dict[str, Any]:
    """The auth code flow (PKCE, state, nonce) to keep in the rep's session; ``auth_uri``
    in it is where to send the browser."""
    client = msal_app(app, http)
    return dict(
        client.initiate_auth_code_flow(
            list(MAIL_SCOPES), redirect_uri=redirect_uri, login_hint=login_hint or None
        )
    )


def finish_connect(
    app: MicrosoftApp, http: requests.Session, flow: dict[str, Any], args: Mapping[str, str]
) -> Credentials:
    """Redeem the redirect's query (``code``, ``state``...) for the first tokens.

    Returns what to store encrypted on the connector, plus ``email`` and ``object_id``
    of the signed-in account (from the id token) to fill the connector's settings.
    """
    client = msal_app(app, http)
    result = _call(lambda: client.acquire_token_by_auth_code_flow(flow, dict(args)))
    credentials = _credentials(result, "the authorization code")
    claims = result.get("id_token_claims") or {}
    credentials["email"] = str(claims.get("preferred_username", "")).lower()
    credentials["object_id"] = str(claims.get("oid", ""))
    return credentials


def refresher(app: MicrosoftApp, http: requests.Session) -> Callable[[Credentials], Credentials]:
    """The refresh for ``connectors.sync.current_credentials``: the stored refresh token in,
    new access and (rotated) refresh tokens out."""

    def refresh(stored: Credentials) -> Credentials:
        token = stored.get("refresh_token")
        if not token:
            raise NeedsReconnect("no refresh token is stored: connect the mailbox again")
        client = msal_app(app, http)
        result = _call(lambda: client.acquire_token_by_refresh_token(token, list(MAIL_SCOPES)))
        return _credentials(result, "the refresh token")

    return refresh


def _call(acquire: Callable[[], Any]) -> dict[str, Any]:
    try:
        result = acquire()
    except requests.RequestException as error:
        raise Transient(f"Microsoft token endpoint unreachable: {error}") from error
    except ValueError as error:  # a flow that does not match the redirect (state, nonce)
        raise NeedsReconnect(f"the sign-in could not be completed: {error}") from error
    return dict(result) if isinstance(result, dict) else {}


def _credentials(result: dict[str, Any], what: str) -> Credentials:
    if "access_token" not in result:
        error = str(result.get("error", "no_token"))
        # error_description names the account and a trace id; the code is enough to log.
        if error in REFUSALS:
            raise NeedsReconnect(f"Microsoft refused {what}: {error}")
        raise Transient(f"Microsoft did not issue a token for {what}: {error}")
    expires_in = int(result.get("expires_in", 3600))
    fresh: Credentials = {
        "access_token": result["access_token"],
        "expires_at": (utcnow() + timedelta(seconds=expires_in)).isoformat(),
    }
    if result.get("refresh_token"):  # rotated on every refresh: keep the newest
        fresh["refresh_token"] = result["refresh_token"]
    return fresh
