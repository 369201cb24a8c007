"""OAuth 2.0 grants as an authorization server keeps them: codes, refresh and access tokens.

Both identity emulators (Google and Microsoft) share this store and differ only in the
shape of their answers. It verifies PKCE, counts refresh calls per account (how the
single-flight refresh is proven), revokes refresh tokens on demand, and can rotate
refresh tokens and revoke a whole family when an old one is replayed (how a refresh
race between two workers shows up at providers that rotate).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field


class OAuthError(Exception):
    """An error answer of the token endpoint: ``error`` and ``error_description``."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(f"{error}: {description}")
        self.error, self.description, self.status = error, description, status


@dataclass
class AccessToken:
    account: str | None  # None: an app-only token (client credentials)
    client_id: str
    scope: str
    expires_at: float


@dataclass
class RefreshToken:
    account: str
    client_id: str
    scope: str
    family: str
    revoked: bool = False
    used: bool = False


@dataclass
class _Code:
    account: str
    client_id: str
    redirect_uri: str
    challenge: str | None
    method: str
    scope: str
    nonce: str | None
    expires_at: float


@dataclass(frozen=True)
class Grant:
    account: str | None
    access_token: str
    expires_in: int
    scope: str
    refresh_token: str | None = None
    nonce: str | None = None


@dataclass
class TokenStore:
    clients: dict[str, str]
    access_lifetime: int = 3600
    rotate_refresh_tokens: bool = False
    replay_revokes_family: bool = False
    refresh_calls: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    _access: dict[str, AccessToken] = field(default_factory=dict)
    _refresh: dict[str, RefreshToken] = field(default_factory=dict)
    _codes: dict[str, _Code] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def check_client(self, client_id: str, client_secret: str | None) -> None:
        expected = self.clients.get(client_id)
        if expected is None or (client_secret is not None and client_secret != expected):
            raise OAuthError("invalid_client", "The OAuth client was not found.", 401)

    def issue(self, account: str, client_id: str, scope: str) -> Grant:
        """A fresh refresh + access token pair, as after a completed consent."""
        with self._lock:
            refresh = self._new_refresh(account, client_id, scope, secrets.token_hex(8))
            return self._new_access(account, client_id, scope, refresh)

    def app_token(self, client_id: str, scope: str) -> Grant:
        with self._lock:
            return self._new_access(None, client_id, scope, None)

    def authorize(
        self,
        account: str,
        *,
        client_id: str,
        redirect_uri: str,
        scope: str,
        challenge: str | None,
        method: str = "S256",
        nonce: str | None = None,
    ) -> str:
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._codes[code] = _Code(
                account,
                client_id,
                redirect_uri,
                challenge,
                method,
                scope,
                nonce,
                time.time() + 600,
            )
        return code

    def redeem(self, code: str, client_id: str, redirect_uri: str, verifier: str | None) -> Grant:
        with self._lock:
            found = self._codes.pop(code, None)
            if found is None or found.expires_at < time.time():
                raise OAuthError("invalid_grant", "Malformed auth code.")
            if found.client_id != client_id or found.redirect_uri != redirect_uri:
                raise OAuthError("invalid_grant", "Code was issued to another client or URI.")
            if found.challenge is not None and not _pkce_matches(
                found.challenge, found.method, verifier
            ):
                raise OAuthError("invalid_grant", "Invalid code verifier.")
            refresh = self._new_refresh(found.account, client_id, found.scope, secrets.token_hex(8))
            grant = self._new_access(found.account, client_id, found.scope, refresh)
            return Grant(**{**grant.__dict__, "nonce": found.nonce})

    def refresh(self, refresh_token: str, client_id: str) -> Grant:
        with self._lock:
            found = self._refresh.get(refresh_token)
            if found is not None:
                self.refresh_calls[found.account] += 1
            if found is None or found.revoked or found.client_id != client_id:
                raise OAuthError("invalid_grant", "Token has been expired or revoked.")
            if found.used and self.replay_revokes_family:
                self._revoke_family(found.family)
                raise OAuthError("invalid_grant", "Refresh token was already used.")
            if not self.rotate_refresh_tokens:
                return self._new_access(found.account, client_id, found.scope, refresh_token)
            found.used = True
            new = self._new_refresh(found.account, client_id, found.scope, found.family)
            return self._new_access(found.account, client_id, found.scope, new)

    def access(self, token: str) -> AccessToken | None:
        """The access token's grant, or None when unknown or expired."""
        with self._lock:
            found = self._access.get(token)
        if found is None or found.expires_at <= time.time():
            return None
        return found

    def revoke(self, account: str) -> int:
        """Revoke every refresh token of an account (as a password change would)."""
        with self._lock:
            tokens = [t for t in self._refresh.values() if t.account == account]
            for token in tokens:
                token.revoked = True
            return len(tokens)

    def expire_access_tokens(self, account: str | None = None) -> None:
        with self._lock:
            for token in self._access.values():
                if account is None or token.account == account:
                    token.expires_at = 0.0

    def _revoke_family(self, family: str) -> None:
        for token in self._refresh.values():
            if token.family == family:
                token.revoked = True

    def _new_refresh(self, account: str, client_id: str, scope: str, family: str) -> str:
        token = "1//" + secrets.token_urlsafe(32)
        self._refresh[token] = RefreshToken(account, client_id, scope, family)
        return token

    def _new_access(
        self, account: str | None, client_id: str, scope: str, refresh: str | None
    ) -> Grant:
        token = "ya29." + secrets.token_urlsafe(32)
        self._access[token] = AccessToken(
            account, client_id, scope, time.time() + self.access_lifetime
        )
        return Grant(account, token, self.access_lifetime, scope, refresh)


def _pkce_matches(challenge: str, method: str, verifier: str | None) -> bool:
    if not verifier:
        return False
    if method.upper() == "PLAIN":
        return secrets.compare_digest(challenge, verifier)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    computed = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    return secrets.compare_digest(challenge, computed)
