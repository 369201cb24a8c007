"""The strings that give an erased person away, and how to find and blank them anywhere.

Rows that belong to the person are deleted outright; this module is for the rows that
stay (audit entries, logs, shared activities, events about other subjects) and may
quote the person. "Strong" traces (emails, phone spellings, full names, long external
ids) are distinctive enough to search every table for. A lone given or family name is
not: it is blanked only in rows already known to concern the person, as a whole word.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

import phonenumbers
from sqlalchemy import Text, cast, false, func, or_
from sqlalchemy.sql import ColumnElement

ERASED = "[erased]"
MIN_TRACE = 5  # shorter strings ("Ann", "17") would blank other people's words too
MIN_EXTERNAL_ID = 6
MIN_NAME_WORD = 3


class Traces:
    """Compiled once per erasure: a pattern for strong traces, one that adds name words."""

    def __init__(
        self, strong: Iterable[str], name_words: Iterable[str] = (), phones: Iterable[str] = ()
    ) -> None:
        """``phones`` (E.164) also match spaced or dashed however the writer liked."""
        self.phones = sorted({phone for phone in phones if phone.startswith("+")})
        spelled = {s for phone in self.phones for s in phone_spellings(phone)}
        self.strong = frozenset(
            t.strip().lower() for t in {*strong, *spelled} if len(t.strip()) >= MIN_TRACE
        )
        self.name_words = frozenset(
            w.strip().lower() for w in name_words if len(w.strip()) >= MIN_NAME_WORD
        )
        # In Python the number patterns stand for every spelling, with digit boundaries.
        literal = self.strong - {s.lower() for s in spelled}
        numbers = [_phone_pattern(phone) for phone in self.phones]
        self._pattern = _compile(literal, frozenset(), numbers)
        self._scoped = _compile(literal, self.name_words, numbers)

    def found_in(self, value: Any) -> bool:
        """Whether a text or JSON value quotes a strong trace (case-insensitive)."""
        if self._pattern is None:
            return False
        return any(self._pattern.search(text) for text in _strings(value))

    def scrub(self, value: Any, *, scoped: bool = False) -> Any:
        """A copy of a text or JSON value with every trace replaced by ``[erased]``.

        ``scoped`` also blanks the person's single name words, for rows about the person.
        """
        pattern = self._scoped if scoped else self._pattern
        if pattern is None:
            return value
        return _replace(value, pattern)

    def mentions(self, column: Any, dialect: str, *, binary: bool = False) -> ColumnElement[bool]:
        """SQL that selects rows which may quote a strong trace; confirm with ``found_in``.

        JSON is searched in its stored text, where SQLite keeps non-ASCII letters as
        ``\\uXXXX`` escapes; ``binary`` columns (PostgreSQL bytea) are searched in their
        escape encoding, where such bytes are octal escapes.
        """
        if not self.strong:
            return false()
        escaped = binary and dialect == "postgresql"
        text = func.encode(column, "escape") if escaped else cast(column, Text)
        spellings = {variant for trace in self.strong for variant in _spellings(trace, escaped)}
        return or_(*(text.icontains(s, autoescape=True) for s in sorted(spellings)))


def phone_spellings(e164: str) -> set[str]:
    """The ways one number is commonly written: E.164, with and without spaces, national."""
    spellings = {e164, e164.lstrip("+")}
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return spellings
    for style in (
        phonenumbers.PhoneNumberFormat.INTERNATIONAL,
        phonenumbers.PhoneNumberFormat.NATIONAL,
    ):
        spellings.add(phonenumbers.format_number(number, style))
    national = str(number.national_number)
    if len(national) >= 8:
        spellings.add(national)
    return spellings


def _phone_pattern(e164: str) -> str:
    """The national digits with any separators, after an optional +CC, (0) or trunk 0."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return re.escape(e164)
    digits = _SEPARATORS.join(str(number.national_number))
    country = rf"(?:\+|00)?{number.country_code}{_SEPARATORS}(?:\(0\){_SEPARATORS})?"
    prefix = rf"(?:{country}|0{_SEPARATORS})?"
    return rf"(?<!\d){prefix}{digits}(?!\d)"


_SEPARATORS = r"[\s\-.()/]*"


def _compile(
    strong: frozenset[str], words: frozenset[str], numbers: Iterable[str] = ()
) -> re.Pattern[str] | None:
    parts = list(numbers)
    parts += [re.escape(s) for s in sorted(strong, key=len, reverse=True)]
    parts += [rf"\b{re.escape(w)}\b" for w in sorted(words, key=len, reverse=True)]
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def _replace(value: Any, pattern: re.Pattern[str]) -> Any:
    if isinstance(value, str):
        return pattern.sub(ERASED, value)
    if isinstance(value, dict):
        return {_replace(k, pattern): _replace(v, pattern) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace(item, pattern) for item in value]
    return value


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, bytes):
        yield value.decode("utf-8", errors="replace")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _spellings(trace: str, binary: bool) -> set[str]:
    """The trace as stored: plain, JSON-escaped, and (bytea) in escape encoding."""
    found = {trace, json.dumps(trace)[1:-1]}
    if binary:
        found.add("".join(_escape_byte(b) for b in trace.encode()))
    return found


def _escape_byte(byte: int) -> str:
    if byte == 0 or byte >= 0x80:
        return f"\\{byte:03o}"
    return "\\\\" if byte == 0x5C else chr(byte)
