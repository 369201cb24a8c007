"""Gmail push notifications: proving a Pub/Sub push came from Google, then reading it.

Anyone can POST to the push URL, so nothing in a push is trusted before its OIDC token
checks out: Google's signature (certificates from ``certs_url``), issuer
accounts.google.com, audience = our configured push URL, and ``email`` = the push
subscription's service account, verified. Only then is the body read; it names the
mailbox whose history moved. Google's certificates change about daily, so they are
cached for minutes and fetched again once when a token does not match the cached set.
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests
from google.auth import exceptions as auth_exceptions
from google.auth import transport
from google.auth.transport.requests import Request as GoogleRequest
from google.oauth2 import id_token

ISSUERS = ("accounts.google.com", "https://accounts.google.com")
CERTS_TTL = 300.0  # seconds a fetched certificate set is reused
CERTS_TIMEOUT = 10


class PushRejected(Exception):
    """A push that is not acted on; ``status`` is what the endpoint answers."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class PushConfig:
    """What a genuine push token carries, and where Google's certificates are."""

    audience: str
    service_account: str
    certs_url: str


@dataclass(frozen=True)
class Notification:
    email: str  # the mailbox, lowercased
    history_id: str


def verify_push(
    authorization: str | None, config: PushConfig, *, session: requests.Session | None = None
) -> Mapping[str, Any]:
    """The token's claims when the push is Google's; PushRejected (401 or 503) when not."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise PushRejected(401, "no bearer token")
    if not config.audience or not config.service_account:
        raise PushRejected(401, "push is not configured: audience and service account are needed")
    cache = _CachedCerts(GoogleRequest(session or requests.Session()))
    try:
        claims = _decode(token.strip(), cache, config)
    except (ValueError, auth_exceptions.GoogleAuthError) as error:
        if not cache.served_from_cache:
            raise _rejection(error) from error
        cache.forget(config.certs_url)  # Google may have rotated its keys meanwhile
        try:
            claims = _decode(token.strip(), cache, config)
        except (ValueError, auth_exceptions.GoogleAuthError) as again:
            raise _rejection(again) from again
    _check_claims(claims, config)
    return claims


def parse_notification(body: bytes) -> Notification:
    """The mailbox and historyId of a Pub/Sub push body; PushRejected(400) when unreadable."""
    try:
        envelope = json.loads(body)
        data = envelope["message"]["data"]
        padded = data + "=" * (-len(data) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded))
        email = payload["emailAddress"]
        history_id = payload["historyId"]
    except (ValueError, KeyError, TypeError, binascii.Error) as error:
        raise PushRejected(400, f"not a Gmail push body: {error}") from error
    if not isinstance(email, str) or "@" not in email:
        raise PushRejected(400, "emailAddress is not an address")
    if not isinstance(history_id, str | int) or not str(history_id).isdigit():
        raise PushRejected(400, "historyId is not a number")
    return Notification(email.strip().lower(), str(history_id))


def _decode(token: str, request: transport.Request, config: PushConfig) -> Mapping[str, Any]:
    return id_token.verify_token(
        token, request, audience=config.audience, certs_url=config.certs_url
    )


def _check_claims(claims: Mapping[str, Any], config: PushConfig) -> None:
    if claims.get("iss") not in ISSUERS:
        raise PushRejected(401, f"wrong issuer {claims.get('iss')!r}")
    if str(claims.get("email", "")).lower() != config.service_account.lower():
        raise PushRejected(401, "signed for another service account")
    if claims.get("email_verified") is not True:
        raise PushRejected(401, "the service account's email is not verified")


def _rejection(error: Exception) -> PushRejected:
    if isinstance(error, auth_exceptions.TransportError):
        return PushRejected(503, f"Google's certificates could not be fetched: {error}")
    return PushRejected(401, f"token refused: {error}")


_CACHE: dict[str, tuple[float, Any]] = {}
_CACHE_LOCK = threading.Lock()


class _CachedCerts(transport.Request):
    """A google-auth transport that reuses a fresh certificate response for CERTS_TTL."""

    def __init__(self, inner: transport.Request) -> None:
        self.inner = inner
        self.served_from_cache = False

    def __call__(  # type: ignore[override]
        self,
        url: str,
        method: str = "GET",
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> transport.Response:
        now = time.monotonic()
        if method == "GET":
            with _CACHE_LOCK:
                hit = _CACHE.get(url)
            if hit is not None and hit[0] > now:
                self.served_from_cache = True
                return hit[1]  # type: ignore[no-any-return]
        response = self.inner(url, method=method, body=body, headers=headers,
                              timeout=timeout or CERTS_TIMEOUT, **kwargs)  # fmt: skip
        if method == "GET" and response.status == 200:
            with _CACHE_LOCK:
                _CACHE[url] = (now + CERTS_TTL, response)
        return response

    def forget(self, url: str) -> None:
        with _CACHE_LOCK:
            _CACHE.pop(url, None)
        self.served_from_cache = False
