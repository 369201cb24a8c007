"""What a caller hands in to log an activity, from a mapping's canonical output or by hand."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from core.models import ACTIVITY_TYPES


class InvalidActivity(ValueError):
    """The activity lacks something every activity needs (type, time, external id)."""


@dataclass(frozen=True)
class ActivityInput:
    """One activity in canonical form; ``external_id`` is its id in the source tool."""

    type: str
    occurred_at: datetime
    external_id: str
    connector_id: int | None
    direction: str = ""
    subject: str = ""
    summary: str = ""
    duration_seconds: int | None = None
    status: str = ""
    url: str = ""
    thread_id: str = ""
    participants: tuple[dict[str, Any], ...] = ()
    data: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.type not in ACTIVITY_TYPES:
            raise InvalidActivity(f"Unknown activity type {self.type!r}.")
        if not self.external_id:
            raise InvalidActivity("An activity needs an external id.")
        if self.occurred_at.tzinfo is None:
            raise InvalidActivity("occurred_at must carry a time zone.")


def activity_from_mapped(
    mapped: Mapping[str, Any], *, connector_id: int | None, data: Mapping[str, Any] | None = None
) -> ActivityInput:
    """The mapping language's canonical activity (values or their JSON form) as input."""
    return ActivityInput(
        type=str(mapped.get("type", "")),
        occurred_at=_moment(mapped.get("occurred_at")),
        external_id=str(mapped.get("external_id") or ""),
        connector_id=connector_id,
        direction=str(mapped.get("direction") or ""),
        subject=str(mapped.get("subject") or "")[:500],
        summary=str(mapped.get("summary") or ""),
        duration_seconds=mapped.get("duration_seconds"),
        status=str(mapped.get("status") or ""),
        url=str(mapped.get("url") or ""),
        thread_id=str(mapped.get("thread_id") or ""),
        participants=tuple(dict(p) for p in mapped.get("participants") or ()),
        data=dict(data or {}),
    )


def _moment(value: Any) -> datetime:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and value:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    else:
        raise InvalidActivity("An activity needs the time it occurred.")
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
