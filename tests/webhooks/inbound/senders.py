"""What a tool sends: form bodies, and Standard Webhooks headers made by the reference
library (``standardwebhooks``), so the receiver is checked against the format, not
against its own code."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from standardwebhooks import Webhook

from connectors.base import InboundRequest

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
LEAD = {
    "name": "Ada Lovelace",
    "email": "Ada@Example.com",
    "phone": "+44 20 7946 0958",
    "company": "Analytical Engines",
    "message": "Please call me about the difference engine.",
    "form_name": "Contact us",
}


def json_body(fields: dict[str, Any] | None = None) -> bytes:
    return json.dumps(LEAD if fields is None else fields).encode()


def form_body(fields: dict[str, Any] | None = None) -> bytes:
    return urlencode(LEAD if fields is None else fields).encode()


def signed_headers(
    secret: str,
    body: bytes,
    *,
    msg_id: str | None = None,
    at: datetime | None = None,
    content_type: str = JSON,
) -> dict[str, str]:
    """Headers signed with the reference library at ``at`` (now by default)."""
    msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
    at = at or datetime.now(UTC)
    return {
        "content-type": content_type,
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, at, body.decode()),
    }


def signed_request(
    secret: str,
    body: bytes,
    *,
    msg_id: str | None = None,
    age: timedelta = timedelta(0),
    content_type: str = JSON,
) -> InboundRequest:
    """A request signed ``age`` before it is received."""
    now = datetime.now(UTC)
    headers = signed_headers(secret, body, msg_id=msg_id, at=now - age, content_type=content_type)
    return InboundRequest(headers, body, content_type, now)


def token_request(
    secret: str | None, body: bytes, content_type: str = FORM, **headers: str
) -> InboundRequest:
    """A browser form post to the URL that holds the secret."""
    all_headers = {"content-type": content_type, **headers}
    return InboundRequest(all_headers, body, content_type, datetime.now(UTC), secret)
