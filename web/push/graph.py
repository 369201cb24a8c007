"""``POST /push/graph`` and ``/push/graph/lifecycle``: Microsoft Graph's change and
lifecycle notifications.

Graph signs nothing: a notification proves itself by the subscription's ``clientState``,
a secret only Graph and crmhub know, checked before anything is queued. Validation
requests (``?validationToken=``) carry no body and are answered with the token at once.
Answers: 202 for any readable body, also when items are refused (logged): Graph's
documented handling of a wrong clientState is to discard the notification, and an error
answer would only make Graph retry it, then throttle and drop the endpoint. 400 for a
body that is not a notification collection. The work is queued by task name after the
commit, so the answer stays well inside Graph's 3 seconds.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, current_app, request

from connectors.outlook.subscriptions import (
    connectors_to_sync,
    known_subscriptions,
    lifecycle_actions,
    validation_token,
)
from web.context import hub
from web.problems import problem_response
from web.push import debounce
from web.ui.jobs import job_queue

SYNC_TASK = "worker.tasks.sync.sync_connector"
LIFECYCLE_TASK = "worker.tasks.sync.outlook_lifecycle"
SYNC_QUEUE = "sync"

blueprint = Blueprint("graph_push", __name__, url_prefix="/push/graph")


@blueprint.post("")
def notifications() -> Response:
    token = validation_token(request.args)
    if token is not None:
        return _echo(token)
    body = _body()
    if body is None:
        return problem_response(400, "The body is not a Graph notification collection.")
    with hub().database.session() as session:
        known = known_subscriptions(session, hub().vault)
    wanted, refused = connectors_to_sync(body, known)
    if refused:
        current_app.logger.warning("graph notification: %d item(s) refused", refused)
    for connector_id in wanted:
        if debounce.claim_sync(hub().database, connector_id):
            job_queue().send_task(SYNC_TASK, args=[connector_id], queue=SYNC_QUEUE)
    return Response(status=202)


@blueprint.post("/lifecycle")
def lifecycle() -> Response:
    token = validation_token(request.args)
    if token is not None:
        return _echo(token)
    body = _body()
    if body is None:
        return problem_response(400, "The body is not a Graph lifecycle notification collection.")
    with hub().database.session() as session:
        known = known_subscriptions(session, hub().vault)
    actions = lifecycle_actions(body, known)
    if len(actions) < len(body["value"]):
        current_app.logger.warning(
            "graph lifecycle: %d item(s) refused", len(body["value"]) - len(actions)
        )
    for action in actions:
        if action.action == "sync":
            if debounce.claim_sync(hub().database, action.connector_id):
                job_queue().send_task(SYNC_TASK, args=[action.connector_id], queue=SYNC_QUEUE)
        else:
            job_queue().send_task(
                LIFECYCLE_TASK, args=[action.connector_id, action.action], queue=SYNC_QUEUE
            )
    return Response(status=202)


def _echo(token: str) -> Response:
    """Graph wants the decoded token back as plain text (a validation has no body)."""
    return Response(token, status=200, mimetype="text/plain")


def _body() -> dict[str, Any] | None:
    try:
        body = json.loads(request.get_data())
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(body, dict) or not isinstance(body.get("value"), list):
        return None
    return body
