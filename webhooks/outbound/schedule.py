"""When to try again: the retry schedule and the receiver's ``Retry-After``.

``schedule[n]`` is the wait before attempt ``n + 1`` (the first entry, 0, is the first
attempt: immediately). After a failure the next attempt waits for the next entry,
counted from the failure, or for the receiver's ``Retry-After`` when that is later.
When the entries are used up the delivery has failed for good.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

THROTTLE_STATUSES = frozenset({429, 502, 503, 504})


def next_attempt_at(
    attempts_made: int,
    failed_at: datetime,
    schedule: Sequence[float],
    retry_after: float | None = None,
) -> datetime | None:
    """The time of the next attempt, or None when no attempt is left."""
    if attempts_made >= len(schedule):
        return None
    delay = schedule[attempts_made]
    if retry_after is not None and retry_after > delay:
        delay = retry_after
    return failed_at + timedelta(seconds=delay)


def parse_retry_after(value: str | None, now: datetime, ceiling: float) -> float | None:
    """Seconds from ``now`` that ``Retry-After`` asks for (seconds or an HTTP date).

    Unreadable values are ignored; the wait is capped at ``ceiling`` so a receiver
    cannot park a delivery forever.
    """
    if not value or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        seconds = float(int(text))
    else:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        seconds = (moment - now).total_seconds()
    return min(max(seconds, 0.0), ceiling)
