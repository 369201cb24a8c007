"""``POST /push/gmail``: verify, find the mailbox, queue its sync once, answer 204.

Answers: 204 for a genuine push (also when the mailbox is unknown here, logged, so
Pub/Sub does not redeliver it forever), 401 when the token does not prove Google sent
it, 400 for an unreadable body, 503 when Google's certificates cannot be fetched.
Nothing is queued for any refusal. The sync task is sent by name after the commit, so
the web process needs none of the worker's code.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from connectors.gmail.push import PushConfig, PushRejected, parse_notification, verify_push
from core.models import Connector
from web.context import hub
from web.problems import problem_response, status_phrase
from web.push import debounce
from web.ui.jobs import job_queue

SYNC_TASK = "worker.tasks.sync.sync_connector"
SYNC_QUEUE = "sync"

blueprint = Blueprint("push", __name__, url_prefix="/push")


@blueprint.post("/gmail")
def gmail() -> Response:
    settings = hub().settings
    config = PushConfig(
        settings.gmail_push_audience, settings.gmail_push_service_account, settings.google_certs_url
    )
    verify_push(request.headers.get("Authorization"), config)
    notification = parse_notification(request.get_data())
    connector_id = _active_mailbox(notification.email)
    if connector_id is None:
        current_app.logger.warning("gmail push for %s: no active mailbox", notification.email)
        return Response(status=204)
    if debounce.claim_sync(hub().database, connector_id):
        job_queue().send_task(SYNC_TASK, args=[connector_id], queue=SYNC_QUEUE)
    return Response(status=204)


def _active_mailbox(email: str) -> int | None:
    with hub().database.session() as session:
        rows = session.execute(
            select(Connector.id, Connector.name, Connector.settings).where(
                Connector.kind == "gmail", Connector.status == "active"
            )
        ).all()
    for row in rows:
        if str((row.settings or {}).get("email", row.name)).lower() == email:
            return int(row.id)
    return None


@blueprint.errorhandler(PushRejected)
def rejected(error: PushRejected) -> Response:
    if error.status == 401:
        current_app.logger.warning("gmail push refused: %s", error.reason)
    return problem_response(error.status, error.reason)


@blueprint.errorhandler(HTTPException)
def http_error(error: HTTPException) -> Response:
    status = error.code or 500
    return problem_response(status, error.description or status_phrase(status))
