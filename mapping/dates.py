"""Reading dates and times in the spellings the connected tools use.

Every time of day becomes an aware UTC datetime, so activities from different tools
sort on one clock; a value with no time of day stays a date (a birth date has no
time zone). Epoch numbers are told apart by size: 10^11 seconds is the year 5138, so
anything that large is milliseconds.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, tzinfo
from email.utils import parsedate_to_datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mapping.errors import TransformFailed

NAMED_FORMATS = ("auto", "iso", "rfc2822", "epoch", "epoch_ms")
_NUMERIC = re.compile(r"-?\d+(\.\d+)?")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME_DIRECTIVES = ("%H", "%I", "%M", "%S", "%f", "%p", "%z", "%Z", "%c", "%X", "%T", "%R")
_MS_THRESHOLD = 100_000_000_000


def zone_named(name: str | None) -> tzinfo:
    """The time zone used for times written without one; raises ValueError when unknown."""
    if name is None or name.upper() in ("UTC", "Z", "GMT"):
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown time zone {name!r} (use a name such as Europe/Paris)") from error


def check_format(fmt: str) -> str | None:
    """Why a parse_date format cannot work, or None when it can."""
    if fmt in NAMED_FORMATS or "%" in fmt:
        return None
    return f"unknown date format {fmt!r}: use {', '.join(NAMED_FORMATS)} or a strptime pattern"


def parse_temporal(value: Any, fmt: str | None, zone: tzinfo) -> date | datetime:
    """Read one value as a date or an aware UTC datetime, or raise TransformFailed."""
    if isinstance(value, bool):
        raise TransformFailed("true/false is not a date")
    if isinstance(value, datetime):
        return _utc(value, zone)
    if isinstance(value, date):
        return value
    fmt = fmt or "auto"
    if fmt in ("epoch", "epoch_ms"):
        return _epoch(value, 1000 if fmt == "epoch_ms" else 1)
    if not isinstance(value, str):
        if fmt == "auto" and isinstance(value, int | float):
            return _epoch(value, None)
        raise TransformFailed("expected text holding a date")
    return _parse_text(value.strip(), fmt, zone)


def _parse_text(text: str, fmt: str, zone: tzinfo) -> date | datetime:
    if fmt == "auto" and _NUMERIC.fullmatch(text):
        return _epoch(text, None)
    readers = {"auto": (_iso, _rfc2822), "iso": (_iso,), "rfc2822": (_rfc2822,)}
    if fmt not in readers:
        return _strptime(text, fmt, zone)
    for reader in readers[fmt]:
        found = reader(text, zone)
        if found is not None:
            return found
    return _unreadable(fmt)


def _strptime(text: str, fmt: str, zone: tzinfo) -> date | datetime:
    try:
        parsed = datetime.strptime(text, fmt)
    except ValueError:
        return _unreadable(fmt)
    if any(directive in fmt for directive in _TIME_DIRECTIVES):
        return _utc(parsed, zone)
    return parsed.date()


def _iso(text: str, zone: tzinfo) -> date | datetime | None:
    try:
        if _ISO_DATE.fullmatch(text):
            return date.fromisoformat(text)
        return _utc(datetime.fromisoformat(text), zone)
    except ValueError:
        return None


def _rfc2822(text: str, zone: tzinfo) -> datetime | None:
    try:
        return _utc(parsedate_to_datetime(text), zone)
    except (TypeError, ValueError, IndexError):
        return None


def _epoch(value: Any, divisor: int | None) -> datetime:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise TransformFailed("expected a number of seconds since 1970") from None
    if not math.isfinite(number):
        raise TransformFailed("expected a finite number of seconds since 1970")
    if divisor is None:
        divisor = 1000 if abs(number) >= _MS_THRESHOLD else 1
    try:
        return datetime.fromtimestamp(number / divisor, tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise TransformFailed("the timestamp is out of range") from None


def _utc(moment: datetime, zone: tzinfo) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)


def _unreadable(fmt: str) -> Any:
    if fmt == "auto":
        raise TransformFailed(
            "could not be read as a date (give parse_date a format such as %d/%m/%Y)"
        )
    raise TransformFailed(f"could not be read as a date in the format {fmt}")
