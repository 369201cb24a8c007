"""Error answers: problem+json under /api/, a plain page everywhere else.

A lost database connection becomes 503 (with Retry-After) instead of a traceback, so
load balancers and people both see "try again" rather than "broken".
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from core.db import DatabaseUnavailable, describe_db_error
from web.problems import problem_response, status_phrase, wants_problem

RETRY_AFTER_SECONDS = "5"
DATABASE_DOWN = "The database cannot be reached right now; try again in a moment."

PAGE_MESSAGES = {
    400: "The request could not be understood.",
    401: "Sign in to continue.",
    403: "Your account does not have access to this page. Ask an administrator if you need it.",
    404: "There is nothing at this address.",
    405: "This address does not accept that kind of request.",
    413: "The request is larger than crmhub accepts.",
    429: "Too many requests; wait a moment and try again.",
    500: "Something went wrong on our side. The error has been logged.",
    503: DATABASE_DOWN,
}
CSRF_MESSAGE = (
    "This form has expired or did not come from a crmhub page. "
    "Go back, reload the page and submit it again."
)


def handle_http_exception(error: HTTPException) -> Response | tuple[str, int, dict[str, str]]:
    status = error.code or 500
    headers = _error_headers(error)
    if wants_problem(request.path):
        return problem_response(
            status, _api_detail(error), headers=headers, extra=_validation_errors(error)
        )
    message = CSRF_MESSAGE if isinstance(error, CSRFError) else _page_message(status, error)
    return render_error_page(status, message, headers)


def handle_database_down(error: Exception) -> Response | tuple[str, int, dict[str, str]]:
    current_app.logger.warning("database unavailable: %s", describe_db_error(error))
    headers = {"Retry-After": RETRY_AFTER_SECONDS}
    if wants_problem(request.path):
        return problem_response(503, DATABASE_DOWN, headers=headers)
    return render_error_page(503, DATABASE_DOWN, headers)


def render_error_page(
    status: int, message: str, headers: dict[str, str] | None = None
) -> tuple[str, int, dict[str, str]]:
    """The error page uses the bare layout: it must render even with the database down."""
    title = status_phrase(status)
    body = render_template("error.html", status=status, title=title, message=message)
    return body, status, headers or {}


def install(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    for exc_class in (OperationalError, PoolTimeout, DatabaseUnavailable):
        app.register_error_handler(exc_class, handle_database_down)


def _page_message(status: int, error: HTTPException) -> str:
    data = getattr(error, "data", None) or {}
    if "message" in data:
        return str(data["message"])
    return PAGE_MESSAGES.get(status, error.description or status_phrase(status))


def _api_detail(error: HTTPException) -> str:
    data = getattr(error, "data", None) or {}
    if "message" in data:
        return str(data["message"])
    if error.code == 422:
        return "The request parameters are not valid; see errors."
    return error.description or status_phrase(error.code or 500)


def _validation_errors(error: HTTPException) -> dict[str, Any]:
    data = getattr(error, "data", None) or {}
    errors = data.get("errors") or data.get("messages")
    return {"errors": errors} if errors else {}


def _error_headers(error: HTTPException) -> dict[str, str]:
    """Keep headers the error itself carries (Allow on 405, WWW-Authenticate on 401)."""
    headers = {name: value for name, value in error.get_headers() if name.lower() != "content-type"}
    data = getattr(error, "data", None) or {}
    headers.update(data.get("headers") or {})
    return headers
