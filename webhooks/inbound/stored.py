"""Turning a request into a stored event and back, keeping only headers worth keeping.

The inbox keeps the raw body and the request's headers, so an event can be parsed again
when it is processed (or retried) exactly as it was received. Credentials that ride in
headers (cookies, authorization) are never stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connectors.base import InboundRequest
from core.models import InboundEvent

DROPPED_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization", "x-api-key"})


def kept_headers(headers: Mapping[str, str]) -> dict[str, Any]:
    """The headers to store, names in lower case, credentials left out."""
    return {
        name.lower(): value
        for name, value in headers.items()
        if name.lower() not in DROPPED_HEADERS
    }


def stored_request(event: InboundEvent) -> InboundRequest:
    """The request an event was received as, for parsing it again."""
    headers = {str(name): str(value) for name, value in (event.headers or {}).items()}
    return InboundRequest(
        headers=headers,
        body=bytes(event.body),
        content_type=headers.get("content-type", ""),
        received_at=event.received_at,
    )
