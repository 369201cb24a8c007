"""Google's OAuth endpoints as google-auth and a browser flow use them.

``POST /token`` takes ``authorization_code`` (PKCE checked) and ``refresh_token``
grants, answering ``{"error": "invalid_grant"}`` with 400 for a revoked refresh token,
which google-auth raises as ``RefreshError``. ``GET /o/oauth2/auth`` approves at once and
redirects back with ``code`` and ``state``: the account is ``login_hint`` when it names a
mailbox, else the emulator's default account.
"""

from __future__ import annotations

from urllib.parse import urlencode

from werkzeug.wrappers import Request, Response

from connectors.mailboxes.emulation.counters import Counters
from connectors.mailboxes.emulation.tokens import OAuthError, TokenStore
from connectors.mailboxes.emulation.wsgi import json_response


def token(request: Request, store: TokenStore, counters: Counters) -> Response:
    form = request.form
    grant = form.get("grant_type", "")
    client_id = form.get("client_id", "")
    counters.add(f"token.{grant or 'missing'}")
    try:
        store.check_client(client_id, form.get("client_secret"))
        if grant == "refresh_token":
            counters.add("refresh_calls")
            issued = store.refresh(form.get("refresh_token", ""), client_id)
        elif grant == "authorization_code":
            issued = store.redeem(
                form.get("code", ""),
                client_id,
                form.get("redirect_uri", ""),
                form.get("code_verifier"),
            )
        else:
            raise OAuthError("unsupported_grant_type", f"Invalid grant_type: {grant}")
    except OAuthError as error:
        counters.add("token_errors")
        return json_response(
            {"error": error.error, "error_description": error.description}, error.status
        )
    body: dict[str, object] = {
        "access_token": issued.access_token,
        "expires_in": issued.expires_in,
        "scope": issued.scope,
        "token_type": "Bearer",
    }
    if grant == "authorization_code" and issued.refresh_token:
        body["refresh_token"] = issued.refresh_token
    return json_response(body)


def authorize(
    request: Request, store: TokenStore, accounts: set[str], default_account: str
) -> Response:
    args = request.args
    redirect_uri = args.get("redirect_uri", "")
    client_id = args.get("client_id", "")
    if client_id not in store.clients or not redirect_uri:
        return Response("Error 400: invalid_request (unknown client or no redirect_uri)", 400)
    if args.get("response_type", "code") != "code":
        return Response("Error 400: unsupported_response_type", 400)
    hint = (args.get("login_hint") or "").lower()
    account = hint if hint in accounts else default_account
    code = store.authorize(
        account,
        client_id=client_id,
        redirect_uri=redirect_uri,
        scope=args.get("scope", ""),
        challenge=args.get("code_challenge"),
        method=args.get("code_challenge_method", "plain"),
    )
    query = {"code": code, "scope": args.get("scope", "")}
    if "state" in args:
        query["state"] = args["state"]
    separator = "&" if "?" in redirect_uri else "?"
    return Response(
        status=302, headers={"Location": f"{redirect_uri}{separator}{urlencode(query)}"}
    )
