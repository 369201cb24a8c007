"""MSAL against the emulator: app tokens, the auth code flow with PKCE, refresh, revocation."""

from __future__ import annotations

import hashlib
import re
from html import unescape
from urllib.parse import parse_qsl, urlencode, urlsplit

import msal
import requests

from connectors.outlook.emulator import MAIL_SCOPE, OutlookEmulator

REDIRECT_URI = "http://localhost:8765/oauth/microsoft/callback"


def test_app_token_for_client(
    outlook: OutlookEmulator, app: msal.ConfidentialClientApplication, http: requests.Session
) -> None:
    result = app.acquire_token_for_client(["https://graph.microsoft.com/.default"])

    assert "access_token" in result, result
    assert result["token_type"] == "Bearer"
    assert outlook.stats()["token.client_credentials"] == 1


def test_app_token_needs_a_default_scope(app: msal.ConfidentialClientApplication) -> None:
    result = app.acquire_token_for_client([MAIL_SCOPE])
    assert result["error"] == "invalid_scope"


def test_wrong_secret_is_invalid_client(outlook: OutlookEmulator, http: requests.Session) -> None:
    app = msal.ConfidentialClientApplication(
        outlook.client_id,
        client_credential="wrong",
        authority=outlook.authority(),
        instance_discovery=False,
        http_client=http,
    )
    result = app.acquire_token_for_client(["https://graph.microsoft.com/.default"])
    assert result["error"] == "invalid_client"


def _code_flow(
    app: msal.ConfidentialClientApplication, http: requests.Session, login_hint: str
) -> tuple[dict[str, object], dict[str, str]]:
    """The browser's part: open auth_uri, read the self-posting form it answers with."""
    flow = app.initiate_auth_code_flow(
        [MAIL_SCOPE], redirect_uri=REDIRECT_URI, login_hint=login_hint, response_mode="form_post"
    )
    answer = http.get(str(flow["auth_uri"]), allow_redirects=False)
    assert answer.status_code == 200
    action = re.search(r'action="([^"]+)"', answer.text)
    assert action is not None
    assert unescape(action.group(1)) == REDIRECT_URI
    fields = re.findall(r'name="([^"]+)" value="([^"]*)"', answer.text)
    return flow, {name: unescape(value) for name, value in fields}


def test_authorize_redirects_back_with_code_and_state_in_query_mode(
    outlook: OutlookEmulator, http: requests.Session
) -> None:
    query = {
        "client_id": outlook.client_id,
        "response_type": "code",
        "redirect_uri": REDIRECT_URI,
        "scope": MAIL_SCOPE,
        "state": "s1",
    }
    answer = http.get(
        f"{outlook.authority()}/oauth2/v2.0/authorize?{urlencode(query)}", allow_redirects=False
    )

    location = urlsplit(answer.headers["Location"])
    returned = dict(parse_qsl(location.query))
    assert answer.status_code == 302
    assert returned["state"] == "s1"
    assert returned["code"]


def test_auth_code_flow_gives_a_user_token_with_a_matching_nonce(
    outlook: OutlookEmulator, app: msal.ConfidentialClientApplication, http: requests.Session
) -> None:
    account = list(outlook.mailboxes)[1]
    flow, returned = _code_flow(app, http, account)

    result = app.acquire_token_by_auth_code_flow(flow, returned)

    assert "access_token" in result, result
    assert result["refresh_token"]
    claims = result["id_token_claims"]
    assert claims["nonce"] == hashlib.sha256(str(flow["nonce"]).encode()).hexdigest()
    assert claims["preferred_username"] == account
    assert claims["aud"] == outlook.client_id
    accounts = app.get_accounts()
    assert [a["username"] for a in accounts] == [account]
    mine = http.get(
        f"{outlook.graph_url}/me/mailFolders/inbox/messages/delta",
        headers={"Authorization": f"Bearer {result['access_token']}"},
    )
    assert mine.status_code == 200


def test_a_user_token_cannot_read_another_mailbox(
    outlook: OutlookEmulator, app: msal.ConfidentialClientApplication, http: requests.Session
) -> None:
    mine, other = list(outlook.mailboxes)
    flow, returned = _code_flow(app, http, mine)
    token = app.acquire_token_by_auth_code_flow(flow, returned)["access_token"]

    answer = http.get(
        f"{outlook.graph_url}/users/{other}/mailFolders/inbox/messages/delta",
        headers={"Authorization": f"Bearer {token}"},
    )

    assert answer.status_code == 403


def test_refresh_rotates_and_revocation_is_invalid_grant(
    outlook: OutlookEmulator, app: msal.ConfidentialClientApplication, account: str
) -> None:
    first = outlook.user_refresh_token(account)

    refreshed = app.acquire_token_by_refresh_token(first, [MAIL_SCOPE])
    outlook.revoke(account)
    revoked = app.acquire_token_by_refresh_token(refreshed["refresh_token"], [MAIL_SCOPE])

    assert "access_token" in refreshed, refreshed
    assert refreshed["refresh_token"] != first
    assert revoked["error"] == "invalid_grant"
    assert outlook.stats()["refresh_calls_by_user"] == {account: 2}


def test_replayed_refresh_token_can_revoke_the_family(
    outlook: OutlookEmulator, app: msal.ConfidentialClientApplication, account: str
) -> None:
    outlook.tokens.replay_revokes_family = True
    first = outlook.user_refresh_token(account)
    rotated = app.acquire_token_by_refresh_token(first, [MAIL_SCOPE])

    replay = app.acquire_token_by_refresh_token(first, [MAIL_SCOPE])
    after = app.acquire_token_by_refresh_token(rotated["refresh_token"], [MAIL_SCOPE])

    assert replay["error"] == after["error"] == "invalid_grant"


def test_missing_or_expired_token_is_401(
    outlook: OutlookEmulator, graph: requests.Session, account: str
) -> None:
    outlook.expire_access_tokens()

    answer = graph.get(f"{outlook.graph_url}/users/{account}/mailFolders/inbox/messages/delta")

    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "InvalidAuthenticationToken"
