"""The part of Gmail's search syntax (``q``) a sync uses: dates, folders, labels, senders.

Terms outside it are refused with 400 rather than ignored, so a connector never believes
a filter was applied when it was not. Dates in ``after:``/``before:`` are read as UTC
(Gmail reads YYYY/MM/DD in the account's time zone; epoch seconds are exact in both).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from connectors.gmail.emulator.resources import labels
from connectors.mailboxes import Entry

UNITS = {"d": 86400, "m": 30 * 86400, "y": 365 * 86400, "h": 3600}
FOLDERS = {"inbox": "INBOX", "sent": "SENT", "unread": "UNREAD"}


class QueryError(ValueError):
    pass


@dataclass
class Query:
    """``after_ms`` bounds the scan (entries come newest first); the rest filters."""

    after_ms: int | None = None
    tests: list[Callable[[Entry], bool]] = field(default_factory=list)

    def matches(self, entry: Entry) -> bool:
        if self.after_ms is not None and entry.message.date_ms < self.after_ms:
            return False
        return all(test(entry) for test in self.tests)


def _moment(value: str) -> int:
    if value.isdigit():
        return int(value) * 1000
    try:
        day = datetime.strptime(value.replace("-", "/"), "%Y/%m/%d").replace(tzinfo=UTC)
    except ValueError as error:
        raise QueryError(f"bad date {value!r}") from error
    return int(day.timestamp() * 1000)


def _age(value: str) -> int:
    match = re.fullmatch(r"(\d+)([dmyh])", value)
    if match is None:
        raise QueryError(f"bad age {value!r}")
    seconds = int(match.group(1)) * UNITS[match.group(2)]
    return int((time.time() - seconds) * 1000)


def _label_test(name: str) -> Callable[[Entry], bool]:
    label = FOLDERS.get(name.lower(), name.upper())
    if label in ("SPAM", "TRASH", "CHATS", "DRAFT", "DRAFTS"):
        return lambda entry: False
    return lambda entry: label in labels(entry)


def _address_test(field: str, fragment: str) -> Callable[[Entry], bool]:
    def test(entry: Entry) -> bool:
        message = entry.message
        addresses = (message.sender,) if field == "from" else message.recipients
        return any(fragment in address.email.lower() for address in addresses)

    return test


def parse(q: str) -> Query:
    query = Query()
    for term in q.split():
        negate = term.startswith("-")
        name, sep, value = term.lstrip("-").partition(":")
        name = name.lower()
        if not sep or not value:
            raise QueryError(f"unsupported search term {term!r}")
        test: Callable[[Entry], bool]
        if name in ("after", "newer_than") and not negate:
            bound = _moment(value) if name == "after" else _age(value)
            query.after_ms = max(query.after_ms or 0, bound)
            continue
        if name in ("before", "older_than"):
            limit = _moment(value) if name == "before" else _age(value)
            test = lambda entry, limit=limit: entry.message.date_ms < limit  # noqa: E731
        elif name in ("in", "label"):
            test = _label_test(value)
        elif name == "category":
            category = f"CATEGORY_{value.upper()}"
            test = lambda entry, c=category: c in labels(entry)  # noqa: E731
        elif name == "is":
            test = _label_test(value)
        elif name in ("from", "to"):
            test = _address_test(name, value.lower())
        else:
            raise QueryError(f"unsupported search term {term!r}")
        query.tests.append((lambda entry, t=test: not t(entry)) if negate else test)
    return query
