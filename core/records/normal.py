"""Cached normalizers shared by identity resolution and survivorship.

Both stages normalize the same values of the same record moments apart; a bounded
cache makes the second call free, which matters for bulk imports. When records are
prepared in another process (``core.ahead``), that process records what it learned
(``recording``) and the writing process takes it in (``remember``), so survivorship
there does not parse every name and number a second time.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import replace
from typing import Any, Generic, TypeVar

from core.normalize import (
    DomainResult,
    EmailResult,
    NameResult,
    PhoneResult,
    canonical_given_names,
    company_domain,
    normalize_email,
    normalize_phone,
    parse_name,
)

_SIZE = 16_384
Value = TypeVar("Value")
Learned = dict[str, list[tuple[Hashable, Any]]]  # memo name -> (key, value) pairs


class _Memo(Generic[Value]):
    """A least-recently-used memo of one normalizer that can note what it learns."""

    def __init__(self, name: str, function: Callable[..., Value]) -> None:
        self.name, self.function = name, function
        self.values: OrderedDict[Hashable, Value] = OrderedDict()
        self.learned: list[tuple[Hashable, Value]] | None = None

    def __call__(self, *key: Any) -> Value:
        try:
            value = self.values[key]
        except KeyError:
            value = self.function(*key)
            self.learn(key, value)
            return value
        with suppress(KeyError):  # another thread may have just evicted it
            self.values.move_to_end(key)
        return value

    def learn(self, key: Hashable, value: Value) -> None:
        """Store a value parsed here, noting it while a ``recording`` block runs."""
        self.store(key, value)
        if self.learned is not None:
            self.learned.append((key, value))

    def store(self, key: Hashable, value: Value) -> None:
        self.values[key] = value
        if len(self.values) > _SIZE:
            self.values.popitem(last=False)


email: _Memo[EmailResult] = _Memo("email", normalize_email)
_phone: _Memo[PhoneResult] = _Memo("phone", normalize_phone)
name: _Memo[NameResult] = _Memo("name", parse_name)
domain: _Memo[DomainResult] = _Memo("domain", company_domain)
given_names: _Memo[frozenset[str]] = _Memo(
    "given_names", lambda given: frozenset(canonical_given_names(given))
)
_MEMOS = {memo.name: memo for memo in (email, _phone, name, domain, given_names)}


def phone(raw: str, region: str | None) -> PhoneResult:
    """Cached ``normalize_phone``; a number in E.164 is parsed once, whatever the region.

    A leading "+" carries the country code, so the region changes nothing. A valid
    number's E.164 form is remembered as well: the CSV import stores phones in E.164,
    and identity resolution then reads that spelling again moments later.
    """
    if raw.startswith("+"):
        known = _phone.values.get((raw, None))
        if known is not None:
            return known
        region = None
    result = _phone(raw, region)
    if result.valid and result.e164 and result.extension is None and result.e164 != raw:
        _phone.learn((result.e164, None), replace(result, raw=result.e164))
    return result


@contextmanager
def recording() -> Iterator[Learned]:
    """Note every value parsed inside the block: the dict fills when the block ends.

    Only a hint for warming another process's caches: values another thread parses
    meanwhile are noted too, and a block ending ends the recording of any other.
    """
    learned: Learned = {}
    for memo in _MEMOS.values():
        memo.learned = []
    try:
        yield learned
    finally:
        for memo in _MEMOS.values():
            learned[memo.name], memo.learned = memo.learned or [], None


def remember(learned: Learned) -> None:
    """Take in what another process parsed (``recording``), as if parsed here."""
    for memo_name, pairs in learned.items():
        memo = _MEMOS[memo_name]
        for key, value in pairs:
            memo.store(key, value)


def region_of(mapped: dict) -> str | None:
    """A two-letter address country: the default region for national phone numbers."""
    address = mapped.get("address")
    country = address.get("country") if isinstance(address, dict) else None
    if isinstance(country, str) and len(country.strip()) == 2 and country.strip().isalpha():
        return country.strip().upper()
    return None
