"""One form submission read from its body: its fields, its dedupe key, its payload.

The fields are the form's own names and values, from JSON, a url-encoded form or the
text parts of a multipart form. The dedupe key is what makes a resent submission the
same event: the ``webhook-id`` a signing sender gives, else the submission id field
the form posts, else a SHA-256 of the raw body (a browser resubmitting the same form
sends the same bytes). The payload the mappings read is the fields plus ``id`` (the
submission id, or one derived from the dedupe key, stable across resends),
``submitted_at`` and ``received_at``.
"""

from __future__ import annotations

import hashlib
from typing import Any

from connectors.base import InboundRequest, WebhookRejected
from connectors.bodies import form_fields, json_object, multipart_fields

JSON = "application/json"
URLENCODED = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
MEDIA_TYPES = (JSON, URLENCODED, MULTIPART)
MAX_KEY_LENGTH = 200


def read_fields(request: InboundRequest) -> dict[str, Any]:
    """The submitted fields; WebhookRejected for a body its content type does not match."""
    media_type = request.media_type
    if media_type == JSON:
        return json_object(request.body)
    if media_type == URLENCODED:
        return form_fields(request.body)
    if media_type == MULTIPART:
        return multipart_fields(request.body, request.content_type)
    raise WebhookRejected(415, f"a form post is {', '.join(MEDIA_TYPES)}, not {media_type}")


def dedupe_key(request: InboundRequest, fields: dict[str, Any], id_field: str) -> str:
    """The key under which a resend of this submission is recognised."""
    webhook_id = request.header("webhook-id")
    if webhook_id:
        return _bounded(webhook_id, "webhook-id")
    submission_id = submission_id_of(fields, id_field)
    if submission_id is not None:
        return "submission:" + _bounded(submission_id, id_field)
    return "sha256:" + hashlib.sha256(request.body).hexdigest()


def submission_id_of(fields: dict[str, Any], id_field: str) -> str | None:
    """The id the form gave its submission, when it is a short text or number."""
    value = fields.get(id_field)
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value).strip()
    return text or None


def payload(
    request: InboundRequest, fields: dict[str, Any], key: str, id_field: str
) -> dict[str, Any]:
    """The fields the mappings read, with ``id``, ``submitted_at`` and ``received_at``."""
    received = request.received_at.isoformat()
    submission_id = submission_id_of(fields, id_field)
    result = dict(fields)
    result["id"] = submission_id if submission_id is not None else derived_id(key)
    result.setdefault("submitted_at", received)
    result["received_at"] = received
    return result


def derived_id(key: str) -> str:
    """A stable id for a submission that brought none, from its dedupe key."""
    return "form-" + hashlib.sha256(key.encode()).hexdigest()[:40]


def _bounded(value: str, name: str) -> str:
    if len(value) > MAX_KEY_LENGTH:
        raise WebhookRejected(400, f"{name} is longer than {MAX_KEY_LENGTH} characters")
    return value
