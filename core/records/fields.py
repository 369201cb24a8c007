"""The golden fields, and each source record's clean value for them.

Values are normalized before survivorship compares them, so "ANN@X.COM" from one tool
and "ann@x.com" from another count as one email seen twice, not two emails.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.normalize import birth_date_key
from core.normalize.text import collapse_spaces
from core.records import normal

SINGLE_FIELDS = (
    "given_name",
    "family_name",
    "full_name",
    "company_name",
    "job_title",
    "address",
    "birth_date",
    "lifecycle_stage",
    "owner",
    "lead_source",
)
LIST_FIELDS = ("emails", "phones", "company_domains", "tags")
MAP_FIELDS = ("custom_fields",)
GOLDEN_FIELDS = SINGLE_FIELDS + LIST_FIELDS + MAP_FIELDS
ADDRESS_PARTS = ("street", "city", "postal_code", "region", "country")


def single_value(mapped: Mapping[str, Any], field: str) -> Any:
    """The record's value for a single-valued field, or None when it has none."""
    if field in ("given_name", "family_name", "full_name"):
        return _names(mapped).get(field)
    if field == "address":
        return _address(mapped)
    if field == "birth_date":
        return birth_date_key(mapped.get("birth_date"))
    if field == "owner":
        return _text(mapped.get("owner"), lower=True)
    return _text(mapped.get(field))


def list_values(mapped: Mapping[str, Any], field: str) -> list[tuple[str, str, bool]]:
    """(value, identity, weak) per item: identity dedupes, weak items never go first."""
    if field == "emails":
        return _emails(mapped)
    if field == "phones":
        region = normal.region_of(dict(mapped))
        results = (normal.phone(raw, region) for raw in _strings(mapped.get("phones")))
        return [(p.e164, p.e164, False) for p in results if p.valid and p.e164]
    if field == "company_domains":
        results = (normal.domain(raw) for raw in _strings(mapped.get("company_domains")))
        return [(d.domain, d.domain, False) for d in results if d.match_key and d.domain]
    tags = (collapse_spaces(tag) for tag in _strings(mapped.get("tags")))
    return [(tag, tag.casefold(), False) for tag in tags if tag]


def map_values(mapped: Mapping[str, Any], field: str) -> dict[str, Any]:
    """Key/value pairs of a map field (custom fields), without empty values."""
    value = mapped.get(field)
    if not isinstance(value, Mapping):
        return {}
    return {str(k): v for k, v in value.items() if v is not None and v != ""}


def work_email_domains(emails: list[str]) -> list[str]:
    """Company domains implied by work addresses: never free-mail providers."""
    domains: list[str] = []
    for address in emails:
        result = normal.email(address)
        if result.valid and not result.is_freemail and result.domain:
            key = normal.domain(result.domain).match_key
            if key and key not in domains:
                domains.append(key)
    return domains


def _names(mapped: Mapping[str, Any]) -> dict[str, str]:
    """Given, family and full name, parsing ``full_name`` only when a part is missing."""
    given, family = _text(mapped.get("given_name")), _text(mapped.get("family_name"))
    full = _text(mapped.get("full_name"))
    if full and not (given and family):
        parsed = normal.name(full)
        given, family = given or parsed.given, family or parsed.family
    if not full and (given or family):
        full = " ".join(part for part in (given, family) if part)
    names = {"given_name": given, "family_name": family, "full_name": full}
    return {key: value for key, value in names.items() if value}


def _emails(mapped: Mapping[str, Any]) -> list[tuple[str, str, bool]]:
    items = []
    for raw in _strings(mapped.get("emails")):
        result = normal.email(raw)
        if result.valid and result.normalized and result.match_key:
            items.append((result.normalized, result.match_key, result.is_role))
    return items


def _address(mapped: Mapping[str, Any]) -> dict[str, str] | None:
    address = mapped.get("address")
    if not isinstance(address, Mapping):
        return None
    parts = {part: _text(address.get(part)) for part in ADDRESS_PARTS}
    cleaned = {part: value for part, value in parts.items() if value}
    return cleaned or None


def _text(value: Any, *, lower: bool = False) -> str | None:
    if not isinstance(value, str):
        return None
    text = collapse_spaces(value)
    return (text.lower() if lower else text) or None


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [item for item in value if isinstance(item, str) and item.strip()]
    return []
