"""The JSON body of an outbound webhook: ``{type, timestamp, data}``.

``data`` is the event's payload plus ``schema_version`` and the per-subject ``sequence``:
webhooks arrive out of order and more than once, so a receiver keeps the highest
sequence it has applied per subject and drops anything older. The body depends only on
the event, so every retry sends the same bytes under the same ``webhook-id``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

SCHEMA_VERSION = 1


def event_body(
    event_type: str, created_at: datetime, payload: Mapping[str, Any], sequence: int
) -> str:
    """The exact text that is signed and sent."""
    data = {"schema_version": SCHEMA_VERSION, **payload, "sequence": sequence}
    document = {"type": event_type, "timestamp": iso_utc(created_at), "data": data}
    return json.dumps(document, separators=(",", ":"), sort_keys=False)


def iso_utc(moment: datetime) -> str:
    """``2024-05-01T12:00:00.123Z``: RFC 3339 in UTC, millisecond precision."""
    text = moment.astimezone(UTC).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")
