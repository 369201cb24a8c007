"""Cached normalizers shared by identity resolution and survivorship.

Both stages normalize the same values of the same record moments apart; a bounded
cache makes the second call free, which matters for bulk imports.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

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


@lru_cache(maxsize=_SIZE)
def email(raw: str) -> EmailResult:
    return normalize_email(raw)


def phone(raw: str, region: str | None) -> PhoneResult:
    """Cached ``normalize_phone``; a number in E.164 is parsed once, whatever the region.

    A leading "+" carries the country code, so the region changes nothing. A valid
    number's E.164 form is remembered as well: the CSV import stores phones in E.164,
    and identity resolution then reads that spelling again moments later.
    """
    if raw.startswith("+"):
        known = _E164.get(raw)
        if known is not None:
            return known
        region = None
    result = _phone(raw, region)
    if result.valid and result.e164 and result.extension is None and result.e164 != raw:
        if len(_E164) >= _SIZE:
            _E164.clear()
        _E164[result.e164] = replace(result, raw=result.e164)
    return result


_E164: dict[str, PhoneResult] = {}


@lru_cache(maxsize=_SIZE)
def _phone(raw: str, region: str | None) -> PhoneResult:
    return normalize_phone(raw, region)


@lru_cache(maxsize=_SIZE)
def name(full: str) -> NameResult:
    return parse_name(full)


@lru_cache(maxsize=_SIZE)
def domain(value: str) -> DomainResult:
    return company_domain(value)


@lru_cache(maxsize=_SIZE)
def given_names(given: str) -> frozenset[str]:
    return frozenset(canonical_given_names(given))


def region_of(mapped: dict) -> str | None:
    """A two-letter address country: the default region for national phone numbers."""
    address = mapped.get("address")
    country = address.get("country") if isinstance(address, dict) else None
    if isinstance(country, str) and len(country.strip()) == 2 and country.strip().isalpha():
        return country.strip().upper()
    return None
