"""``POST /hooks/<id>`` (signed) and ``POST /hooks/<id>/<secret>`` (secret in the URL).

Answers: 202 ``{"status": "accepted", "id": …}`` once the event is stored, 200
``{"status": "duplicate", "id": …}`` for a replay (stored once, processed once), and
problem+json for every refusal: 400 unreadable, 401 not proven, 404 no such source,
413 too large, 415 wrong content type, 503 database down. Nothing refused is stored
or queued.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from connectors.base import WebhookRejected
from core.db import DatabaseUnavailable, describe_db_error
from web.context import hub
from web.errors import DATABASE_DOWN, RETRY_AFTER_SECONDS
from web.hooks.reading import inbound_request
from web.problems import problem_response, status_phrase
from web.ui.inbound_queue import queue_processing
from webhooks.inbound import InboundLimits, receive
from webhooks.inbound.sources import SourceCache

blueprint = Blueprint("hooks", __name__, url_prefix="/hooks")
SOURCES_KEY = "crmhub.inbound_sources"


@blueprint.post("/<int:connector_id>")
def signed(connector_id: int) -> Response:
    return _receive(connector_id, None)


@blueprint.post("/<int:connector_id>/<secret>")
def with_secret(connector_id: int, secret: str) -> Response:
    return _receive(connector_id, secret)


def _receive(connector_id: int, secret: str | None) -> Response:
    deployment = hub()
    limits = InboundLimits(max_body_bytes=deployment.settings.inbound_max_bytes)
    request = inbound_request(limits, secret)
    receipt = receive(
        deployment.database, deployment.vault, connector_id, request, limits, sources=_sources()
    )
    if not receipt.duplicate:
        queue_processing(connector_id, receipt.event_id)
    response = jsonify({"status": receipt.status, "id": receipt.event_id})
    response.status_code = 200 if receipt.duplicate else 202
    return response


def _sources() -> SourceCache:
    """One per app (per web process), shared by the requests it serves."""
    cache: SourceCache | None = current_app.extensions.get(SOURCES_KEY)
    if cache is None:
        cache = current_app.extensions.setdefault(SOURCES_KEY, SourceCache())
    return cache


@blueprint.errorhandler(WebhookRejected)
def rejected(error: WebhookRejected) -> Response:
    return problem_response(error.status, error.reason)


@blueprint.errorhandler(HTTPException)
def http_error(error: HTTPException) -> Response:
    """Senders are programs: even an unexpected failure answers problem+json."""
    status = error.code or 500
    return problem_response(status, error.description or status_phrase(status))


@blueprint.errorhandler(OperationalError)
@blueprint.errorhandler(PoolTimeout)
@blueprint.errorhandler(DatabaseUnavailable)
def database_down(error: Exception) -> Response:
    """Never a 2xx for an event that could not be stored: the sender must try again."""
    current_app.logger.warning(
        "inbound webhook refused, database down: %s", describe_db_error(error)
    )
    return problem_response(503, DATABASE_DOWN, headers={"Retry-After": RETRY_AFTER_SECONDS})
