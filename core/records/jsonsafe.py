"""Plain JSON values from mapped data: dates become ISO text, sets sorted lists."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any


def json_safe(value: Any) -> Any:
    """A copy of ``value`` that the JSON columns store and give back unchanged."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [json_safe(item) for item in value]
        return items if isinstance(value, list | tuple) else sorted(items, key=str)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)  # Decimal, UUID and the like: their text form
