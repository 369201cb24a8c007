"""How one person looks in one tool: the messy record a CRM list really holds.

Each view picks an employer (for a job changer, before or after the move), the fields
its source keeps, and the spelling of each: nicknames, typos, letter case, phone
formats, company legal forms, a shared role inbox or switchboard instead of the
person's own address or line.
"""

from __future__ import annotations

import random

import phonenumbers
from phonenumbers import PhoneNumberFormat

from benchmarks.identity import vocabulary as words
from benchmarks.identity.world import Era, Person

SOURCES = ("crm", "events", "support", "billing")
_SOURCE_WEIGHTS = (0.45, 0.25, 0.15, 0.15)


def view(rng: random.Random, person: Person, era: Era, source: str) -> dict[str, str]:
    """One record of ``person`` as ``source`` keeps it, with canonical CSV headers."""
    row = _names(rng, person, source)
    if source in ("crm", "billing") and rng.random() < 0.7:
        row.update(city=person.city, postal_code=person.postal_code, country=person.country)
    email = _email(rng, person, era, source)
    if email:
        row["email"] = email
    phone = _phone(rng, person, era, source, row.get("country"))
    if phone:
        row["phone"] = phone
    if source != "support" and rng.random() < 0.8:
        row["company"] = _company(rng, era)
        row["job_title"] = era.title if source == "crm" else ""
    return {name: value for name, value in row.items() if value}


def pick_source(rng: random.Random) -> str:
    return rng.choices(SOURCES, _SOURCE_WEIGHTS)[0]


def _names(rng: random.Random, person: Person, source: str) -> dict[str, str]:
    given = _given(rng, person.given)
    family = _typo(rng, person.family) if rng.random() < 0.03 else person.family
    if source in ("events", "support") or rng.random() < 0.15:
        full = f"{family}, {given}" if rng.random() < 0.1 else f"{given} {family}"
        return {"full_name": full.upper() if rng.random() < 0.05 else full}
    return {"given_name": given, "family_name": family}


def _given(rng: random.Random, given: str) -> str:
    nicknames = words.GIVEN_NAMES.get(given, ())
    if nicknames and rng.random() < 0.35:
        return rng.choice(nicknames)
    if rng.random() < 0.04:
        return _typo(rng, given)
    return given.lower() if rng.random() < 0.03 else given


def _email(rng: random.Random, person: Person, era: Era, source: str) -> str:
    roll = rng.random()
    if roll < 0.08 and source != "support":
        address = rng.choice(era.company.inboxes)  # a shared role inbox
    elif person.personal_email and (roll > 0.8 or (source == "support" and roll > 0.4)):
        address = _freemail_variant(rng, person.personal_email)
    elif roll < 0.92:
        address = era.email
    else:
        return ""
    if rng.random() < 0.01:
        local, domain = address.split("@")
        address = f"{_typo(rng, local)}@{domain}"  # a typo makes another mailbox
    return _case_variant(rng, address)


def _freemail_variant(rng: random.Random, address: str) -> str:
    local, domain = address.split("@")
    if domain == "gmail.com" and rng.random() < 0.3:
        local = local.replace(".", "")
    if rng.random() < 0.1:
        local = f"{local}+{rng.choice(('news', 'crm', 'shop'))}"
    return f"{local}@{domain}"


def _case_variant(rng: random.Random, address: str) -> str:
    roll = rng.random()
    if roll < 0.1:
        return address.upper()
    if roll < 0.25:
        local, domain = address.split("@")
        return f"{local.title()}@{domain}"
    return f" {address} " if roll < 0.28 else address


def _phone(rng: random.Random, person: Person, era: Era, source: str, country: str | None) -> str:
    if source == "events" and rng.random() < 0.7:
        return ""
    if rng.random() < 0.12:
        return _formatted(rng, era.company.switchboard, era.company.country, country)
    if person.mobile and rng.random() < 0.7:
        return _formatted(rng, person.mobile, person.country, country)
    return ""


def _formatted(rng: random.Random, e164: str, home: str, row_country: str | None) -> str:
    """E.164, international or national spelling; national only where the row says the
    number's country, and now and then with no country at all (which no tool can read)."""
    number = phonenumbers.parse(e164)
    roll = rng.random()
    national = row_country == home or (row_country is None and roll > 0.97)
    if roll < 0.3:
        return e164
    if roll < 0.6 or not national:
        return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    text = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    if home == "US" and rng.random() < 0.3:
        text = text.replace("(", "").replace(") ", ".").replace("-", ".")
    return text


def _company(rng: random.Random, era: Era) -> str:
    name, legal = era.company.name, era.company.legal
    roll = rng.random()
    if roll < 0.4:
        return name
    if roll < 0.7:
        return f"{name} {legal}"
    if roll < 0.85:
        return f"{name}, {legal}".upper()
    return f"{name} {legal.rstrip('.')}"


def _typo(rng: random.Random, text: str) -> str:
    """One keyboard slip: a letter dropped, doubled, swapped with the next, or replaced."""
    if len(text) < 4:
        return text
    at = rng.randrange(1, len(text) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return text[:at] + text[at + 1 :]
    if kind == 1:
        return text[:at] + text[at] + text[at:]
    if kind == 2:
        return text[:at] + text[at + 1] + text[at] + text[at + 2 :]
    return text[:at] + rng.choice("aeiourstnl") + text[at + 1 :]
