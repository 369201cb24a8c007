"""Cached normalizers shared by identity resolution and survivorship.

Both stages normalize the same values of the same record moments apart; a bounded
cache makes the second call free, which matters for bulk imports.
"""

from __future__ import annotations

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


@lru_cache(maxsize=_SIZE)
def phone(raw: str, region: str | None) -> PhoneResult:
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
