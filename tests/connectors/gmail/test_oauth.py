"""OAuth against the emulator: refresh with google-auth, revocation, the browser flow."""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import google.auth.transport.requests
import pytest
import requests
from google.auth.exceptions import RefreshError
from google.oauth2.credentials import Credentials

from connectors.gmail.emulator import CLIENT_ID, CLIENT_SECRET, GmailEmulator
from tests.connectors.gmail.conftest import make_service


@pytest.fixture
def session() -> Any:
    with requests.Session() as http:
        http.trust_env = False
        yield http


def test_expired_access_token_is_refreshed_by_the_client(
    gmail: GmailEmulator, account: str
) -> None:
    gmail.expire_access_tokens(account)
    service = make_service(gmail, account)

    profile = service.users().getProfile(userId="me").execute()

    assert profile["emailAddress"] == account
    assert gmail.stats()["refresh_calls_by_user"] == {account: 1}
    assert gmail.stats()["auth_errors"] == 1  # the 401 that made the client refresh
    service.close()


def test_a_revoked_refresh_token_raises_refresh_error(
    gmail: GmailEmulator, account: str, session: requests.Session
) -> None:
    credentials = Credentials(**gmail.credentials(account))
    gmail.revoke(account)

    with pytest.raises(RefreshError) as caught:
        credentials.refresh(google.auth.transport.requests.Request(session))

    assert "invalid_grant" in str(caught.value)
    assert gmail.stats()["token_errors"] == 1


def test_missing_token_is_401(gmail: GmailEmulator, session: requests.Session) -> None:
    answer = session.get(f"{gmail.url}/gmail/v1/users/me/profile")
    assert answer.status_code == 401
    assert answer.json()["error"]["status"] == "UNAUTHENTICATED"


def test_an_expired_token_without_refresh_fails(gmail: GmailEmulator, account: str) -> None:
    gmail.expire_access_tokens(account)
    gmail.revoke(account)
    service = make_service(gmail, account)

    with pytest.raises(RefreshError):
        service.users().getProfile(userId="me").execute()
    service.close()


def _authorize(
    gmail: GmailEmulator, session: requests.Session, account: str, verifier: str
) -> tuple[str, dict[str, list[str]]]:
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    redirect_uri = "http://127.0.0.1:9/oauth/callback"
    query = {
        "client_id": CLIENT_ID,
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "scope": "https://www.googleapis.com/auth/gmail.readonly",
        "state": "xyz",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "access_type": "offline",
        "login_hint": account,
    }
    answer = session.get(f"{gmail.url}/o/oauth2/auth?{urlencode(query)}", allow_redirects=False)
    assert answer.status_code == 302
    location = urlsplit(answer.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == redirect_uri
    return redirect_uri, parse_qs(location.query)


def test_browser_flow_with_pkce_gives_working_tokens(
    gmail: GmailEmulator, session: requests.Session
) -> None:
    account = list(gmail.mailboxes)[1]
    verifier = secrets.token_urlsafe(48)
    redirect_uri, returned = _authorize(gmail, session, account, verifier)

    answer = session.post(
        f"{gmail.url}/token",
        data={
            "grant_type": "authorization_code",
            "code": returned["code"][0],
            "redirect_uri": redirect_uri,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "code_verifier": verifier,
        },
    )
    tokens = answer.json()
    profile = session.get(
        f"{gmail.url}/gmail/v1/users/me/profile",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
    )

    assert returned["state"] == ["xyz"]
    assert answer.status_code == 200
    assert tokens["refresh_token"]
    assert profile.json()["emailAddress"] == account


def test_a_wrong_code_verifier_is_invalid_grant(
    gmail: GmailEmulator, account: str, session: requests.Session
) -> None:
    redirect_uri, returned = _authorize(gmail, session, account, secrets.token_urlsafe(48))

    answer = session.post(
        f"{gmail.url}/token",
        data={
            "grant_type": "authorization_code",
            "code": returned["code"][0],
            "redirect_uri": redirect_uri,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "code_verifier": secrets.token_urlsafe(48),
        },
    )

    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_grant"


def test_wrong_client_secret_is_refused(
    gmail: GmailEmulator, account: str, session: requests.Session
) -> None:
    credentials = Credentials(**{**gmail.credentials(account), "client_secret": "wrong"})

    with pytest.raises(RefreshError) as caught:
        credentials.refresh(google.auth.transport.requests.Request(session))

    assert "invalid_client" in str(caught.value)
    assert gmail.stats()["refresh_calls_by_user"] == {}
