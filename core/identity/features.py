"""What matching knows of one source record, computed once and stored with it.

Every key is "kind:value". Deterministic kinds ("email", "phone") may link on their
own; blocking kinds (those of ``core.normalize.blocking_keys``) only nominate
candidates; frequency kinds ("f_given", ...) count how common a value is, for the
u-probabilities ("f_cname" counts a company name as domains spell it, held by records
naming the company and by records with an address at a domain of that name).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from core.identity import blocking
from core.normalize import (
    birth_date_key,
    company_stem,
    domain_stem,
    normalize_company_name,
    postal_code_key,
    tail,
)
from core.normalize.text import collapse_spaces, fold
from core.records import normal
from core.records.fields import single_value

DETERMINISTIC_KINDS = ("email", "phone")
MAX_VALUE = 320
FEATURES_VERSION = 1
_PHONE_PUNCTUATION = frozenset("0123456789 +-().")


@dataclass(frozen=True, slots=True)
class Features:
    """Normalized, comparable facts of one record (all optional)."""

    given: str | None = None  # folded, e.g. "bob"
    given_names: frozenset[str] = frozenset()  # with the names it may be short for
    family: str | None = None  # folded
    family_code: str | None = None  # phonetic
    emails: tuple[str, ...] = ()  # match keys of personal (non-role) addresses
    phones: tuple[str, ...] = ()  # E.164
    tails: tuple[str, ...] = ()  # last seven digits, also of numbers without a country
    domains: tuple[str, ...] = ()  # company domains, declared or from work addresses
    company: str | None = None  # company name in matching form
    postal: str | None = None
    city: str | None = None
    birth: str | None = None  # ISO date
    blocks: tuple[str, ...] = ()  # blocking keys, storage form

    @property
    def has_name(self) -> bool:
        return bool(self.given or self.family)

    def deterministic_keys(self) -> list[str]:
        return [f"email:{e}" for e in self.emails] + [f"phone:{p}" for p in self.phones]

    def frequency_keys(self) -> list[str]:
        facts = {
            "f_given": [self.given],
            "f_family": [self.family],
            "f_company": [*self.domains, self.company],
            "f_cname": list(self.company_stems()),
            "f_postal": [self.postal],
            "f_city": [self.city],
            "f_birth": [self.birth],
        }
        return [storage_key(f"{kind}:{v}") for kind, values in facts.items() for v in values if v]

    def company_stems(self) -> set[str]:
        """The company's name as domains spell it, from the name and each domain: how a
        name and a domain are found to agree, and how common such an agreement is."""
        stems = {company_stem(self.company), *map(domain_stem, self.domains)}
        return {stem for stem in stems if stem}

    def all_keys(self) -> list[str]:
        """Every key to store for this record, each once."""
        return sorted({*self.deterministic_keys(), *self.blocks, *self.frequency_keys()})

    def to_json(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in self.__slots__}
        data["given_names"] = sorted(self.given_names)
        data = {k: list(v) if isinstance(v, tuple) else v for k, v in data.items() if v}
        return {"v": FEATURES_VERSION, **data}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Features:
        values = {name: data.get(name) for name in cls.__slots__ if data.get(name)}
        for name in ("emails", "phones", "tails", "domains", "blocks"):
            values[name] = tuple(values.get(name) or ())
        values["given_names"] = frozenset(values.get("given_names") or ())
        return cls(**values)


def extract(mapped: Mapping[str, Any], default_region: str | None = None) -> Features:
    """Features of one canonical customer dict; never raises on bad values."""
    given_raw, family_raw = single_value(mapped, "given_name"), single_value(mapped, "family_name")
    given, family = _folded(given_raw), _folded(family_raw)
    given_names = normal.given_names(given) if given else frozenset()
    emails = [r for r in map(normal.email, _strings(mapped.get("emails"))) if r.valid]
    personal = tuple(dict.fromkeys(r.match_key for r in emails if not r.is_role and r.match_key))
    phones, tails = _phones(
        _strings(mapped.get("phones")), default_region or normal.region_of(dict(mapped))
    )
    domains = tuple(_domains(mapped, emails))
    company_name = mapped.get("company_name")
    company = _company(company_name) if isinstance(company_name, str) else None
    address = mapped.get("address") if isinstance(mapped.get("address"), Mapping) else {}
    postal = postal_code_key(mapped.get("postal_code") or address.get("postal_code"))
    birth = birth_date_key(mapped.get("birth_date"))
    blocks = blocking.compose(
        given=given_raw, given_names=given_names, family=family_raw, emails=personal,
        phones=phones, tails=tails, domains=domains, company=company, postal=postal, birth=birth,
    )  # fmt: skip
    return Features(
        given=given,
        given_names=given_names,
        family=family,
        family_code=blocking.phonetic(family),
        emails=personal,
        phones=phones,
        tails=tails,
        domains=domains,
        company=company,
        postal=postal,
        city=_folded(address.get("city") if isinstance(address.get("city"), str) else None),
        birth=birth,
        blocks=tuple(sorted(storage_key(k) for k in blocks)),
    )


@lru_cache(maxsize=50_000)
def stored_features(text: str | None) -> Features:
    """Features from their stored JSON text, decoded once per distinct text.

    A bulk import reads the same common holders for chunk after chunk (at 100k
    records decoding them was a third of the time); features are immutable, so one
    decoded value can be shared, and equal text means equal features.
    """
    return Features.from_json(json.loads(text) if text else {})


def storage_key(key: str) -> str:
    """The key as stored: values longer than the column keep a prefix and a digest."""
    kind, _, value = key.partition(":")
    if len(value) <= MAX_VALUE:
        return key
    digest = hashlib.sha256(value.encode()).hexdigest()[:24]
    return f"{kind}:{value[: MAX_VALUE - 25]}#{digest}"


def split_key(key: str) -> tuple[str, str]:
    kind, _, value = key.partition(":")
    return kind, value


def is_deterministic(key: str) -> bool:
    """An email or phone key: links on its own unless demoted."""
    return split_key(key)[0] in DETERMINISTIC_KINDS


def is_looked_up(key: str) -> bool:
    """Frequency keys (``f_…``) are counted for u-probabilities, never looked up."""
    return not key.startswith("f_")


def _phones(raws: list[str], region: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """E.164 numbers, and tails of every number, even one lacking its country code."""
    numbers: list[str] = []
    tails: list[str | None] = []
    for raw in raws:
        result = normal.phone(raw, region)
        if result.valid and result.e164:
            numbers.append(result.e164)
            tails.append(tail(result.e164))
        elif set(raw.strip()) <= _PHONE_PUNCTUATION:
            tails.append(tail(raw.strip()))
    return tuple(dict.fromkeys(numbers)), tuple(dict.fromkeys(t for t in tails if t))


def _domains(mapped: Mapping[str, Any], emails: list[Any]) -> list[str]:
    """Declared company domains, then the domains of work (not free-mail) addresses."""
    declared = [*_strings(mapped.get("company_domain")), *_strings(mapped.get("company_domains"))]
    found = [normal.domain(raw).match_key for raw in declared]
    found += [normal.domain(r.domain).match_key for r in emails if r.domain and not r.is_freemail]
    return [d for d in dict.fromkeys(found) if d]


@lru_cache(maxsize=16_384)
def _company(name: str) -> str | None:
    return normalize_company_name(name) or None


def _folded(value: str | None) -> str | None:
    return fold(collapse_spaces(value)).strip(".") or None if value else None


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, str) and v.strip()]
    return []
