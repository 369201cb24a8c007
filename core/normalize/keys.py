"""Match and blocking keys: short strings two records share when they may be one person.

Identity resolution only compares a new record with customers that share at least one
blocking key, so each key must be narrow enough to keep that set small. Broad facts
(a postal code, a company domain, a birth date) are therefore always combined with
the phonetic family name; exact identifiers (email, E.164 phone) stand alone.
Role mailboxes and free-mail domains never produce a key on their own.

Every key starts with its kind ("email:", "phone:", ...), so keys of different kinds
never collide and the identity stage can weigh them differently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

import jellyfish

from core.normalize.company import company_stem, domain_stem, normalize_company_name
from core.normalize.domains import company_domain
from core.normalize.emails import normalize_email
from core.normalize.names import canonical_given_names, parse_name
from core.normalize.phones import normalize_phone, tail
from core.normalize.text import fold

_ZIP_PLUS_FOUR = re.compile(r"(\d{5})-?\d{4}")
_PHONE_PUNCTUATION = set("0123456789 +-().")


def phonetic_key(name: str | None) -> str | None:
    """Metaphone of a name, so "Smyth"/"Smith" and "Catherine"/"Katherine" agree.

    Names outside the Latin script keep their folded letters: metaphone knows none.
    """
    letters = "".join(ch for ch in fold(name or "") if ch.isalpha())
    if not letters:
        return None
    if not letters.isascii():
        return letters
    return jellyfish.metaphone(letters) or letters


def prefix_key(value: str | None, n: int = 4) -> str | None:
    """The first ``n`` letters or digits, folded: catches typos late in a word."""
    cleaned = "".join(ch for ch in fold(value or "") if ch.isalnum())
    return cleaned[:n] or None


def postal_code_key(value: str | None) -> str | None:
    """Postal code without spaces or dashes, upper case; US ZIP+4 cut to five digits."""
    text = (value or "").strip()
    zip_plus_four = _ZIP_PLUS_FOUR.fullmatch(text)
    if zip_plus_four:
        return zip_plus_four.group(1)
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    return cleaned or None


def birth_date_key(value: date | str | None) -> str | None:
    """ISO date (YYYY-MM-DD); ambiguous forms such as 03/07/1985 give no key."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = (value or "").strip()
    for candidate in (text, text[:10]):
        try:
            return date.fromisoformat(candidate).isoformat()
        except ValueError:
            continue
    return None


def phone_tail_key(raw: str | None, default_region: str | None = None, n: int = 7) -> str | None:
    """Last ``n`` digits of a number, even one that lacks the country code to be valid."""
    result = normalize_phone(raw, default_region)
    if result.valid:
        return tail(result.e164, n)
    text = (raw or "").strip()
    if text and set(text) <= _PHONE_PUNCTUATION:
        return tail(text, n)
    return None


def email_domain_key(raw: str | None) -> str | None:
    """Domain of a valid address when it can name a company (not free mail)."""
    result = normalize_email(raw)
    if not result.valid or result.is_freemail:
        return None
    return company_domain(result.domain).match_key


def blocking_keys(record: Mapping[str, Any], default_region: str | None = None) -> set[str]:
    """All blocking keys of one canonical-customer-like dict (missing fields are fine).

    Reads given_name, family_name, full_name, emails, phones, company_name,
    company_domain or company_domains, postal_code (or address.postal_code) and
    birth_date. National phone numbers use ``default_region``, else a two-letter
    address.country.
    """
    given, family = _name_parts(record)
    family_code = phonetic_key(family)
    keys = _identifier_keys(record, default_region or _address_country(record))
    if family_code:
        keys |= _name_keys(family_code, given, family, record)
        keys |= _company_keys(family_code, given, record)
    return keys


def _name_parts(record: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """Given and family name from their own fields, or parsed from ``full_name``."""
    given, family = record.get("given_name"), record.get("family_name")
    if not (given and family) and record.get("full_name"):
        parsed = parse_name(record["full_name"])
        given, family = given or parsed.given, family or parsed.family
    return given, family


def _identifier_keys(record: Mapping[str, Any], default_region: str | None) -> set[str]:
    """Exact identifiers: non-role email match keys, E.164 numbers and their tails."""
    keys: set[str] = set()
    for raw in _values(record.get("emails")):
        email = normalize_email(raw)
        if email.valid and not email.is_role and email.match_key:
            keys.add(f"email:{email.match_key}")
    for raw in _values(record.get("phones")):
        phone = normalize_phone(raw, default_region)
        if phone.valid:
            keys.add(f"phone:{phone.e164}")
        phone_tail = phone_tail_key(raw, default_region)
        if phone_tail:
            keys.add(f"phone_tail:{phone_tail}")
    return keys


def _name_keys(
    family_code: str, given: str | None, family: str | None, record: Mapping[str, Any]
) -> set[str]:
    """Phonetic family name with each possible given name, birth date and postal code."""
    keys: set[str] = set()
    for name in canonical_given_names(given):
        given_code = phonetic_key(name)
        if given_code:
            keys.add(f"name:{family_code}:{given_code}")
    family_prefix, initial = prefix_key(family, 4), prefix_key(given, 1)
    if family_prefix and initial:
        keys.add(f"name_prefix:{family_prefix}:{initial}")
    birth_date = birth_date_key(record.get("birth_date"))
    if birth_date:
        keys.add(f"birth_date:{birth_date}:{family_code}")
    postal_code = postal_code_key(record.get("postal_code") or _address(record).get("postal_code"))
    if postal_code:
        keys.add(f"postal_code:{postal_code}:{family_code}")
    return keys


def _company_keys(family_code: str, given: str | None, record: Mapping[str, Any]) -> set[str]:
    """Company domain (from the field or from work emails) and company name, each with
    the family name; and the company's stem with each possible given name, which finds
    a colleague-named record whose family name has a typo early on ("Wisliams")."""
    keys: set[str] = set()
    listed = [*_values(record.get("company_domain")), *_values(record.get("company_domains"))]
    domains = {company_domain(raw).match_key for raw in listed}
    domains |= {email_domain_key(raw) for raw in _values(record.get("emails"))}
    for domain in domains - {None}:
        keys.add(f"company_domain:{domain}:{family_code}")
    company = normalize_company_name(record.get("company_name"))
    if company:
        keys.add(f"company_name:{company}:{family_code}")
    stems = {company_stem(company), *(domain_stem(d) for d in domains - {None})} - {None}
    codes = {code for name in canonical_given_names(given) if (code := phonetic_key(name))}
    keys |= {f"given_company:{stem}:{code}" for stem in stems for code in codes}
    return keys


def _values(field: Any) -> Iterable[str]:
    """A field's values: one string, a list of strings, or a list of {"value": ...}."""
    if field is None:
        return []
    if isinstance(field, str):
        return [field]
    items = [item.get("value") if isinstance(item, Mapping) else item for item in field]
    return [item for item in items if isinstance(item, str)]


def _address(record: Mapping[str, Any]) -> Mapping[str, Any]:
    """The nested address of a canonical customer, or an empty mapping."""
    address = record.get("address")
    return address if isinstance(address, Mapping) else {}


def _address_country(record: Mapping[str, Any]) -> str | None:
    """A two-letter address country, usable as the default region for national numbers."""
    country = _address(record).get("country")
    if isinstance(country, str) and len(country.strip()) == 2 and country.strip().isalpha():
        return country.strip().upper()
    return None
