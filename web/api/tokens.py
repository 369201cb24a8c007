"""Bearer-token authentication and the per-token rate limit: systems, not people, call it.

No cookie is ever read here, which is why the API needs no CSRF protection. A known
token's request is counted in the same transaction that looked the token up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import Response, g, request
from flask_smorest import Blueprint, abort

from core.accounts import find_api_token
from core.models import utcnow
from web.api.ratelimit import RateState, count_request
from web.api.spec import BEARER_SCHEME
from web.context import hub

REALM = 'Bearer realm="crmhub"'
MISSING = "Send an API token in the header 'Authorization: Bearer crm_...'."
UNKNOWN = "The API token is unknown or has been revoked."
NOT_ADMIN = "This endpoint needs a token with the admin role."
RATE_LIMITED = "This token made too many requests; retry after {seconds} seconds."


@dataclass(frozen=True)
class ApiClient:
    """The calling system, as its token describes it."""

    token_id: int
    name: str
    role: str
    prefix: str


def current_client() -> ApiClient:
    client: ApiClient = g.api_client
    return client


def token_required(
    blp: Blueprint, *, admin: bool = False
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Check the bearer token before the view runs, and document that in OpenAPI."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            client = _authenticate()
            if admin and client.role != "admin":
                abort(403, message=NOT_ADMIN)
            g.api_client = client
            return view(*args, **kwargs)

        documented = blp.doc(security=[{BEARER_SCHEME: []}])(guarded)
        documented = blp.alt_response(401, response="UNAUTHORIZED")(documented)
        documented = blp.alt_response(429, response="TOO_MANY_REQUESTS")(documented)
        if admin:
            documented = blp.alt_response(403, response="FORBIDDEN")(documented)
        return documented

    return decorate


def _authenticate() -> ApiClient:
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    credentials = credentials.strip()
    if scheme.lower() != "bearer" or not credentials:
        abort(401, message=MISSING, headers={"WWW-Authenticate": REALM})
    with hub().database.session() as db:
        row = find_api_token(db, credentials)
        client = ApiClient(row.id, row.name, row.role, row.prefix) if row else None
        state = count_request(db, row.id, utcnow()) if row else None
    if client is None or state is None:
        abort(401, message=UNKNOWN, headers={"WWW-Authenticate": f'{REALM}, error="invalid_token"'})
    g.api_rate = state
    if state.exceeded:
        seconds = str(state.reset_seconds)
        abort(429, message=RATE_LIMITED.format(seconds=seconds), headers={"Retry-After": seconds})
    return client


def add_rate_headers(response: Response) -> Response:
    """Every answer to a counted request says where the token stands (after_request)."""
    state: RateState | None = g.get("api_rate")
    if state is not None:
        response.headers.update(state.headers())
    return response
