"""The kinds of values a mapping moves around, known before any payload is seen.

Validation uses them to refuse a rule such as ``e164`` feeding ``emails`` while the
admin is still editing, instead of warning on every record later.
"""

from __future__ import annotations

import enum
from datetime import date
from typing import Any


class VType(enum.Enum):
    """What a source or transform yields, as far as can be known without a payload."""

    ANY = "any value"
    TEXT = "text"
    PHONE = "a phone number"
    NUMBER = "a number"
    BOOL = "true/false"
    DATE = "a date"
    OBJECT = "an object"
    PAIR = "two name parts"

    @property
    def words(self) -> str:
        return self.value


_CONSTANT_TYPES: tuple[tuple[type | tuple[type, ...], VType], ...] = (
    (bool, VType.BOOL),  # before int: True is an int to Python
    ((int, float), VType.NUMBER),
    (str, VType.TEXT),
    (date, VType.DATE),
    (dict, VType.OBJECT),
)


def vtype_of(constant: Any) -> VType:
    """The type of a constant written in a mapping document."""
    if isinstance(constant, list) and constant:
        kinds = {vtype_of(item) for item in constant}
        return kinds.pop() if len(kinds) == 1 else VType.ANY
    return next((kind for types, kind in _CONSTANT_TYPES if isinstance(constant, types)), VType.ANY)


def is_empty(value: Any) -> bool:
    """No value for mapping purposes: None, blank text, an empty list or object."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | dict | tuple):
        return not value
    return False


def flatten(value: Any) -> list[Any]:
    """Every non-empty item of a value, nested lists flattened; a scalar becomes [scalar]."""
    if isinstance(value, list):
        return [leaf for item in value for leaf in flatten(item)]
    return [] if is_empty(value) else [value]


def is_texty(value: Any) -> bool:
    """Text, or a number that reads as text (ids and numbers in payloads are often numeric)."""
    if isinstance(value, bool):
        return False
    return isinstance(value, str | int | float)


def describe(value: Any) -> str:
    """A value's kind in words, for warnings that must not quote personal data."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return type(value).__name__
