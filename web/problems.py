"""RFC 9457 problem details: the one error format of the REST API."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from flask import Response

PROBLEM_MIMETYPE = "application/problem+json"
API_PREFIX = "/api/"
PAGE_JSON_PREFIX = "/ui/"


def problem_response(
    status: int,
    detail: str,
    *,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> Response:
    """A problem+json answer; ``type`` is about:blank, so ``title`` is the status phrase."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": status_phrase(status),
        "status": status,
        "detail": detail,
    }
    body.update(extra or {})
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_MIMETYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def wants_problem(path: str) -> bool:
    """The API, and the JSON that the pages' scripts poll, answer errors as problems."""
    if path.startswith(API_PREFIX) or path == API_PREFIX.rstrip("/"):
        return True
    return path.startswith(PAGE_JSON_PREFIX) and path.endswith(".json")


def status_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
