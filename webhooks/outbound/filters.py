"""Event-type filters: which events an endpoint subscribes to.

Event types are dotted names (``customer.updated``, ``activity.logged``). A pattern is
an exact type, ``*`` for every event, or has ``*`` segments: ``customer.*`` matches
``customer.updated`` and ``customer.erased`` but not ``customer`` nor
``activity.logged``; ``*.created`` matches every kind of creation. A trailing ``*``
also covers deeper names (``customer.*`` matches ``customer.email.changed``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

_SEGMENT = re.compile(r"^([a-z0-9_]+|\*)$")
WILDCARD = "*"


class InvalidFilter(ValueError):
    """A pattern that can never match an event type."""


def normalize_filter(patterns: Iterable[str]) -> list[str]:
    """Validated, lower-cased, de-duplicated patterns; at least one is required."""
    result: list[str] = []
    for raw in patterns:
        pattern = raw.strip().lower()
        if not pattern or not all(_SEGMENT.match(s) for s in pattern.split(".")):
            raise InvalidFilter(
                f"{raw!r} is not an event type or pattern such as customer.* or activity.logged"
            )
        if pattern not in result:
            result.append(pattern)
    if not result:
        raise InvalidFilter("choose at least one event type, or * for every event")
    return result


def matches(event_type: str, patterns: Sequence[str]) -> bool:
    """Whether any pattern admits ``event_type``."""
    segments = event_type.split(".")
    return any(_matches(segments, pattern.split(".")) for pattern in patterns)


def _matches(segments: list[str], pattern: list[str]) -> bool:
    if pattern[-1] == WILDCARD and len(segments) >= len(pattern):
        segments = segments[: len(pattern)]  # a trailing * takes the rest of the name
    if len(segments) != len(pattern):
        return False
    return all(p in (WILDCARD, s) for s, p in zip(segments, pattern, strict=True))
