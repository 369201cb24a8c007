"""The request as the inbox needs it: raw bytes read within the limit, headers, time.

The body is read from the stream in pieces and refused (413) as soon as it passes the
limit, whether the client announced a Content-Length or streamed it chunked without
one, so an oversized body never sits in memory whole.
"""

from __future__ import annotations

from flask import request
from werkzeug.exceptions import RequestEntityTooLarge

from connectors.base import InboundRequest, WebhookRejected
from core.models import utcnow
from webhooks.inbound import InboundLimits
from webhooks.inbound.limits import too_large

CHUNK_BYTES = 64 * 1024


def inbound_request(limits: InboundLimits, path_secret: str | None) -> InboundRequest:
    """The current request, its body read within ``limits``; WebhookRejected(413) if over."""
    received_at = utcnow()
    body = read_body(limits)
    return InboundRequest(
        headers={name.lower(): value for name, value in request.headers.items()},
        body=body,
        content_type=request.headers.get("Content-Type", ""),
        received_at=received_at,
        path_secret=path_secret,
    )


def read_body(limits: InboundLimits) -> bytes:
    limit = limits.max_body_bytes
    announced = request.content_length
    if announced is not None and announced > limit:
        raise WebhookRejected(413, too_large(limits))
    chunks: list[bytes] = []
    size = 0
    try:
        stream = request.stream
        while chunk := stream.read(min(CHUNK_BYTES, limit + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise WebhookRejected(413, too_large(limits))
    except RequestEntityTooLarge:
        raise WebhookRejected(413, too_large(limits)) from None
    return b"".join(chunks)
