"""Checks every webhook passes before its connector reads it: size, type, nesting.

They run after the signature check, so a caller that cannot sign learns nothing more
than "401"; the size limit alone is also enforced earlier, while the body is read.
"""

from __future__ import annotations

from connectors.base import Connector, InboundRequest, WebhookRejected
from connectors.bodies import check_depth
from webhooks.inbound.options import InboundLimits


def check_size(request: InboundRequest, limits: InboundLimits) -> None:
    if len(request.body) > limits.max_body_bytes:
        raise WebhookRejected(413, too_large(limits))


def too_large(limits: InboundLimits) -> str:
    return f"the body is larger than the {limits.max_body_bytes} bytes a webhook may have"


def check_content(request: InboundRequest, connector: Connector, limits: InboundLimits) -> None:
    """415 for a content type the connector does not read; 400 for JSON nested too deep."""
    accepted = type(connector).webhook_media_types
    if request.media_type not in accepted:
        given = request.media_type or "no content type"
        raise WebhookRejected(415, f"this source takes {', '.join(accepted)}, not {given}")
    if request.media_type == "application/json" or request.media_type.endswith("+json"):
        check_depth(request.body, limits.max_json_depth)
