"""The people and companies behind the generated contacts: the truth every record points to.

Identifiers are unique where real ones are: no two people share a mobile number or a
personal or work address. What people do share is shared on purpose: a company's
switchboard number and its role inboxes (info@, sales@), and names.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import phonenumbers

from benchmarks.identity import vocabulary as words

_MOBILE_PREFIXES = {"US": ("+1415", "+1646", "+1312", "+1512", "+1206", "+1617"),
                    "GB": ("+447700", "+447911", "+447400", "+447555"),
                    "DE": ("+49151", "+49160", "+49170", "+49176")}  # fmt: skip
_LANDLINE_PREFIXES = {"US": ("+1212", "+1415", "+1312"), "GB": ("+44207", "+44161"),
                      "DE": ("+4930", "+4940", "+4989")}  # fmt: skip
_NUMBER_LENGTH = {"US": 12, "GB": 13, "DE": 13}  # characters of the E.164 form


@dataclass(frozen=True, slots=True)
class Company:
    name: str
    legal: str
    domain: str
    country: str
    pattern: str
    switchboard: str
    inboxes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Era:
    """A person at one employer: a job changer has two, with different work addresses."""

    company: Company
    email: str
    title: str


@dataclass(frozen=True, slots=True)
class Person:
    pid: int
    given: str
    family: str
    country: str
    city: str
    postal_code: str
    mobile: str | None
    personal_email: str | None
    eras: tuple[Era, ...]


class World:
    """Makes companies up front and people one at a time, keeping identifiers unique."""

    def __init__(self, rng: random.Random, people: int) -> None:
        self.rng = rng
        self._taken: set[int] = set()
        self._given = list(words.GIVEN_NAMES)
        self._given_weights = _cumulative(
            [1 / (rank + 1) ** 0.7 for rank in range(len(self._given))]
        )
        self._common_weights = _cumulative(
            [1 / (rank + 1) for rank in range(len(words.COMMON_FAMILY_NAMES))]
        )
        self.companies = [self._company() for _ in range(max(20, people // 12))]

    def person(self, pid: int, namesake_of: Person | None = None) -> Person:
        """A new person; with ``namesake_of``, a different person with the same name."""
        rng = self.rng
        given = namesake_of.given if namesake_of else self._given_name()
        family = namesake_of.family if namesake_of else self._family_name()
        country = _weighted_country(rng)
        city, postal_code = rng.choice(words.CITIES[country])
        mobile = self._number(_MOBILE_PREFIXES[country], country) if rng.random() < 0.8 else None
        personal = self._personal_email(given, family) if rng.random() < 0.55 else None
        eras = [self._era(given, family)]
        if rng.random() < 0.1:  # changed jobs: new company and address, same phone
            eras.append(self._era(given, family, avoid=eras[0].company))
        return Person(pid, given, family, country, city, postal_code, mobile, personal, tuple(eras))

    def _era(self, given: str, family: str, avoid: Company | None = None) -> Era:
        company = self.rng.choice(self.companies)
        while company is avoid:
            company = self.rng.choice(self.companies)
        local = company.pattern.format(
            first=_ascii(given), last=_ascii(family), f=_ascii(given)[0], l=_ascii(family)[0]
        )
        email = self._unique_email(local, company.domain)
        return Era(company, email, self.rng.choice(words.JOB_TITLES))

    def _company(self) -> Company:
        rng = self.rng
        country = _weighted_country(rng)
        first = rng.choice(words.COMPANY_WORDS) if rng.random() < 0.5 else self._family_name()
        name = f"{first} {rng.choice(words.COMPANY_NOUNS)}"
        domain = self._unique_domain(_ascii(name).replace(" ", ""), rng.choice(words.TLDS[country]))
        inboxes = tuple(f"{box}@{domain}" for box in rng.sample(words.ROLE_INBOXES, 2))
        return Company(
            name=name,
            legal=rng.choice(words.LEGAL_FORMS[country]),
            domain=domain,
            country=country,
            pattern=rng.choice(words.EMAIL_PATTERNS),
            switchboard=self._number(_LANDLINE_PREFIXES[country], country),
            inboxes=inboxes,
        )

    def _given_name(self) -> str:
        return self.rng.choices(self._given, cum_weights=self._given_weights)[0]

    def _family_name(self) -> str:
        if self.rng.random() < 0.35:
            return self.rng.choices(words.COMMON_FAMILY_NAMES, cum_weights=self._common_weights)[0]
        return self.rng.choice(words.FAMILY_STARTS) + self.rng.choice(words.FAMILY_ENDS)

    def _personal_email(self, given: str, family: str) -> str:
        local = f"{_ascii(given)}.{_ascii(family)}{self.rng.randint(1, 99)}"
        return self._unique_email(local, self.rng.choice(words.FREEMAIL))

    def _unique_email(self, local: str, domain: str) -> str:
        candidate, counter = f"{local}@{domain}", 1
        while not self._claim(candidate.replace(".", "").replace("_", "")):
            counter += 1
            candidate = f"{local}{counter}@{domain}"
        return candidate

    def _unique_domain(self, stem: str, tld: str) -> str:
        candidate, counter = stem + tld, 1
        while not self._claim("@" + candidate):
            counter += 1
            candidate = f"{stem}{counter}{tld}"
        return candidate

    def _number(self, prefixes: tuple[str, ...], country: str) -> str:
        """A valid, unused number in E.164 form."""
        while True:
            prefix = self.rng.choice(prefixes)
            digits = "".join(
                self.rng.choices("0123456789", k=_NUMBER_LENGTH[country] - len(prefix))
            )
            number = prefix + digits
            if not digits.startswith(("0", "1")) and _valid(number) and self._claim(number):
                return number

    def _claim(self, identifier: str) -> bool:
        """Reserve an identifier; False when someone already has it."""
        key = hash(identifier.lower())
        if key in self._taken:
            return False
        self._taken.add(key)
        return True


def _cumulative(weights: list[float]) -> list[float]:
    total, running = 0.0, []
    for weight in weights:
        total += weight
        running.append(total)
    return running


def _weighted_country(rng: random.Random) -> str:
    countries, weights = zip(*words.COUNTRY_WEIGHTS, strict=True)
    return rng.choices(countries, weights)[0]


def _valid(number: str) -> bool:
    return phonenumbers.is_valid_number(phonenumbers.parse(number))


def _ascii(text: str) -> str:
    """The form a name takes in an email address: lower case, no accents or apostrophes."""
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "'": "", "é": "e"})
    return text.lower().translate(table)
