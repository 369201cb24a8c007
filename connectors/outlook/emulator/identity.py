"""Microsoft identity platform endpoints as MSAL calls them.

MSAL first reads ``{authority}/v2.0/.well-known/openid-configuration``, then posts to its
``token_endpoint``. The id_token it gets after the auth code flow must carry ``nonce`` =
the value the authorize request sent (MSAL sends SHA-256 hex of the flow's nonce),
``aud`` = client id and ``iss`` = the configuration's issuer; MSAL does not check the
signature, but we sign with RS256 anyway and publish the key at ``jwks_uri``. Refresh
tokens rotate on every refresh, as Microsoft's do.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
import uuid
from html import escape
from typing import Any
from urllib.parse import urlencode

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from werkzeug.wrappers import Request, Response

from connectors.mailboxes import Mailbox
from connectors.mailboxes.emulation.counters import Counters
from connectors.mailboxes.emulation.tokens import Grant, OAuthError, TokenStore
from connectors.mailboxes.emulation.wsgi import json_response

GRAPH_DEFAULT_SCOPE = "https://graph.microsoft.com/.default"
ERROR_CODES = {"invalid_grant": 70000, "invalid_client": 7000215, "invalid_scope": 1002012}


class Identity:
    """openid-configuration, token and authorize endpoints for any tenant name."""

    def __init__(
        self,
        tokens: TokenStore,
        counters: Counters,
        mailboxes: dict[str, Mailbox],
        tenant_id: str,
    ) -> None:
        self.tokens, self.counters, self.mailboxes = tokens, counters, mailboxes
        self.tenant_id = tenant_id
        self.base_url = ""
        self._kid = secrets.token_hex(8)
        self._key: rsa.RSAPrivateKey | None = None
        self._lock = threading.Lock()

    def signing_key(self) -> rsa.RSAPrivateKey:
        with self._lock:
            if self._key is None:
                self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            return self._key

    def issuer(self, tenant: str) -> str:
        return f"{self.base_url}/{tenant}/v2.0"

    def configuration(self, tenant: str) -> dict[str, Any]:
        root = f"{self.base_url}/{tenant}"
        return {
            "token_endpoint": f"{root}/oauth2/v2.0/token",
            "authorization_endpoint": f"{root}/oauth2/v2.0/authorize",
            "device_authorization_endpoint": f"{root}/oauth2/v2.0/devicecode",
            "end_session_endpoint": f"{root}/oauth2/v2.0/logout",
            "jwks_uri": f"{root}/discovery/v2.0/keys",
            "issuer": self.issuer(tenant),
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "response_modes_supported": ["query", "fragment", "form_post"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "request_uri_parameter_supported": False,
            "tenant_region_scope": "EU",
        }

    def keys(self) -> dict[str, Any]:
        public = json.loads(RSAAlgorithm.to_jwk(self.signing_key().public_key()))
        return {"keys": [{**public, "kid": self._kid, "use": "sig", "alg": "RS256"}]}

    def token(self, request: Request, tenant: str) -> Response:
        form = request.form
        grant_type = form.get("grant_type", "")
        client_id = form.get("client_id", "")
        self.counters.add(f"token.{grant_type or 'missing'}")
        try:
            self.tokens.check_client(client_id, form.get("client_secret"))
            scope = form.get("scope", "")
            if grant_type == "client_credentials":
                if not scope.endswith("/.default"):
                    raise OAuthError("invalid_scope", "AADSTS1002012: scope must end in /.default")
                grant = self.tokens.app_token(client_id, scope)
                return json_response(_token_body(grant, with_refresh=False))
            if grant_type == "authorization_code":
                grant = self.tokens.redeem(
                    form.get("code", ""),
                    client_id,
                    form.get("redirect_uri", ""),
                    form.get("code_verifier"),
                )
            elif grant_type == "refresh_token":
                self.counters.add("refresh_calls")
                grant = self.tokens.refresh(form.get("refresh_token", ""), client_id)
            else:
                raise OAuthError("unsupported_grant_type", f"AADSTS70003: {grant_type}")
        except OAuthError as error:
            self.counters.add("token_errors")
            return json_response(_error_body(error), error.status)
        body = _token_body(grant, with_refresh=True)
        if grant.account is not None:
            body["id_token"] = self.id_token(grant, tenant, client_id)
            body["client_info"] = self._client_info(grant.account)
        return json_response(body)

    def authorize(self, request: Request, tenant: str, default_account: str) -> Response:
        args = request.args
        redirect_uri = args.get("redirect_uri", "")
        client_id = args.get("client_id", "")
        if client_id not in self.tokens.clients or not redirect_uri:
            return Response("AADSTS700016: unknown application or no redirect_uri", 400)
        hint = (args.get("login_hint") or "").lower()
        account = hint if hint in self.mailboxes else default_account
        code = self.tokens.authorize(
            account,
            client_id=client_id,
            redirect_uri=redirect_uri,
            scope=args.get("scope", ""),
            challenge=args.get("code_challenge"),
            method=args.get("code_challenge_method", "plain"),
            nonce=args.get("nonce"),
        )
        query = {"code": code, "session_state": str(uuid.uuid4())}
        if "state" in args:
            query["state"] = args["state"]
        if args.get("response_mode") == "form_post":
            return Response(_form_post(redirect_uri, query), 200, content_type="text/html")
        location = f"{redirect_uri}{'&' if '?' in redirect_uri else '?'}{urlencode(query)}"
        return Response(status=302, headers={"Location": location})

    def id_token(self, grant: Grant, tenant: str, client_id: str) -> str:
        mailbox = self.mailboxes[str(grant.account)]
        now = int(time.time())
        claims: dict[str, Any] = {
            "aud": client_id,
            "iss": self.issuer(tenant),
            "iat": now,
            "nbf": now,
            "exp": now + 3600,
            "name": mailbox.owner.name,
            "oid": mailbox.object_id,
            "preferred_username": mailbox.email,
            "sub": mailbox.object_id.replace("-", ""),
            "tid": self.tenant_id,
            "ver": "2.0",
        }
        if grant.nonce:
            claims["nonce"] = grant.nonce
        return jwt.encode(claims, self.signing_key(), algorithm="RS256", headers={"kid": self._kid})

    def _client_info(self, account: str) -> str:
        info = {"uid": self.mailboxes[account].object_id, "utid": self.tenant_id}
        return base64.urlsafe_b64encode(json.dumps(info).encode()).decode().rstrip("=")


def _form_post(action: str, fields: dict[str, str]) -> str:
    """The page Microsoft answers with for response_mode=form_post: it posts itself."""
    inputs = "".join(
        f'<input type="hidden" name="{escape(name)}" value="{escape(value)}"/>'
        for name, value in fields.items()
    )
    return (
        "<html><head><title>Working...</title></head><body>"
        f'<form method="POST" name="hiddenform" action="{escape(action)}">{inputs}'
        '<noscript><input type="submit" value="Continue"/></noscript></form>'
        "<script>document.forms[0].submit()</script></body></html>"
    )


def _token_body(grant: Grant, *, with_refresh: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "token_type": "Bearer",
        "scope": grant.scope,
        "expires_in": grant.expires_in,
        "ext_expires_in": grant.expires_in,
        "access_token": grant.access_token,
    }
    if with_refresh and grant.refresh_token:
        body["refresh_token"] = grant.refresh_token
    return body


def _error_body(error: OAuthError) -> dict[str, Any]:
    return {
        "error": error.error,
        "error_description": error.description,
        "error_codes": [ERROR_CODES.get(error.error, 90000)],
        "timestamp": time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime()),
        "trace_id": str(uuid.uuid4()),
        "correlation_id": str(uuid.uuid4()),
    }
