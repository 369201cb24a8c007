"""Small WSGI helpers shared by the emulators."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.wrappers import Response

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def json_response(
    body: object, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(
        json.dumps(body), status, headers=headers, content_type="application/json; charset=UTF-8"
    )


def bearer(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer ...`` header."""
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None
