"""Field comparisons: how far two records agree on one field, as a named level.

Each function returns (level, value): the level names a row of the m/u tables, and
the value is the frequency key of the agreeing value when the level is "exact" (how
common that value is sets u).
None means one side lacks the field: no evidence either way, weight 0.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from itertools import product

from rapidfuzz.distance import OSA, JaroWinkler, Levenshtein

from core.identity.features import Features
from core.normalize import company_stem, domain_stem, nicknames_agree

Outcome = tuple[str, str | None] | None

NAME_TYPO_SIMILARITY = 0.88  # Jaro-Winkler: "Jonson"/"Johnson", "Kathryn"/"Katheryn"
COMPANY_SIMILARITY = 0.90


def given_name(a: Features, b: Features) -> Outcome:
    """exact, nickname (Bob/Robert), initial (J./John), typo, or different."""
    if not (a.given and b.given):
        return None
    if a.given == b.given:
        return "exact", f"f_given:{a.given}"
    if min(len(a.given), len(b.given)) == 1:
        return ("initial", None) if a.given[0] == b.given[0] else ("different", None)
    if nicknames_agree(a.given, b.given, a.given_names, b.given_names):
        return "nickname", None
    if given_typo(a, b):
        return "typo", None
    return "different", None


def given_typo(a: Features, b: Features) -> bool:
    """Given names one slip apart: close by Jaro-Winkler ("Micheal"/"Michael"), one letter
    off ("Kyue"/"Kyle", "Jahn"/"John"), or a slip in the name a nickname is short for
    ("Jen"/"Jenniefr")."""
    left, right = a.given or "", b.given or ""
    if JaroWinkler.similarity(left, right) >= NAME_TYPO_SIMILARITY or one_slip(left, right):
        return True
    return any(one_slip(left, name) for name in b.given_names - {right}) or any(
        one_slip(right, name) for name in a.given_names - {left}
    )


def one_slip(left: str, right: str) -> bool:
    """One keyboard slip apart: a letter dropped, doubled, replaced, or two swapped.

    Both names need four letters or more: "Jon"/"Jan" are two names, not a slip.
    """
    return min(len(left), len(right)) >= 4 and OSA.distance(left, right, score_cutoff=1) <= 1


def family_name(a: Features, b: Features) -> Outcome:
    """exact, typo (one edit or Jaro-Winkler), phonetic (Smith/Smyth), or different."""
    if not (a.family and b.family):
        return None
    if a.family == b.family:
        return "exact", f"f_family:{a.family}"
    one_edit = (
        min(len(a.family), len(b.family)) >= 4
        and Levenshtein.distance(a.family, b.family, score_cutoff=1) <= 1
    )
    if one_edit or JaroWinkler.similarity(a.family, b.family) >= NAME_TYPO_SIMILARITY:
        return "typo", None
    if a.family_code and a.family_code == b.family_code:
        return "phonetic", None
    return "different", None


def email(a: Features, b: Features) -> Outcome:
    """exact (a shared personal address), typo (one letter off, same domain),
    personal_and_work (one side only work addresses, the other only personal ones, which
    never coincide: no evidence), or different.

    Digits, first and last letters never count as a typo: "john.smith14@" and
    "john.smith44@" are two accounts, "asmith@" and "esmith@" or "johns@" and "johnb@"
    two colleagues (initial plus family name, given name plus initial). numbered: two
    work addresses at one company that differ only by a trailing number
    ("robert.presmer@" / "robert.presmer2@"), which a company hands out to tell two
    people of one name apart.
    """
    if not (a.emails and b.emails):
        return None
    shared = sorted(set(a.emails) & set(b.emails))
    if shared:
        return "exact", f"email:{shared[0]}"
    if any(_one_letter_off(left, right) for left, right in product(a.emails, b.emails)):
        return "typo", None
    if any(_numbered(left, right) for left, right in product(_work(a), _work(b))):
        return "numbered", None
    kinds_a, kinds_b = _address_kinds(a), _address_kinds(b)
    if len(kinds_a) == len(kinds_b) == 1 and kinds_a != kinds_b:
        return "personal_and_work", None
    return "different", None


def _address_kinds(features: Features) -> set[bool]:
    """True for a work address (at one of the record's company domains, which every
    non-free-mail address adds), False for a personal (free-mail) one."""
    return {
        any(_at(host, d) for d in features.domains)
        for host in (address.rpartition("@")[2] for address in features.emails)
    }


def _work(features: Features) -> list[str]:
    """The record's addresses at its company domains."""
    return [
        address
        for address in features.emails
        if any(_at(address.rpartition("@")[2], d) for d in features.domains)
    ]


def _at(host: str, domain: str) -> bool:
    return host == domain or host.endswith(f".{domain}")


def _numbered(left: str, right: str) -> bool:
    """One mailbox name at one domain, told apart by a trailing number."""
    local_a, _, domain_a = left.rpartition("@")
    local_b, _, domain_b = right.rpartition("@")
    if domain_a != domain_b or local_a == local_b:
        return False
    stem = local_a.rstrip(string.digits)
    return bool(stem) and stem == local_b.rstrip(string.digits)


def _one_letter_off(left: str, right: str) -> bool:
    local_a, _, domain_a = left.rpartition("@")
    local_b, _, domain_b = right.rpartition("@")
    if domain_a != domain_b or min(len(local_a), len(local_b)) < 4:
        return False
    if local_a[0] != local_b[0] or local_a[-1] != local_b[-1]:
        return False  # "asmith@"/"esmith@", "johns@"/"johnb@": the patterns of two colleagues
    if [c for c in local_a if c.isdigit()] != [c for c in local_b if c.isdigit()]:
        return False
    return Levenshtein.distance(local_a, local_b, score_cutoff=1) <= 1


def phone(a: Features, b: Features) -> Outcome:
    """exact (same E.164), tail (same last seven digits), or different."""
    if not (a.tails and b.tails):  # every usable number, even one without a country, has a tail
        return None
    shared = sorted(set(a.phones) & set(b.phones))
    if shared:
        return "exact", f"phone:{shared[0]}"
    if set(a.tails) & set(b.tails):
        return "tail", None
    return "different", None


def company(a: Features, b: Features) -> Outcome:
    """exact (same domain or name, or a name that is the other's domain), other_domains
    (one name, but each record has domains and they share none), similar (close names),
    or different.

    Company names repeat (two firms called "Prime Pharma", at primepharma.io and
    primepharma2.com); a domain does not. When both sides know their domains and none is
    shared, the name alone may be two companies: at 100,000 records 17 false links agreed
    on a company that way, and no true one did.
    """
    names_a = {*a.domains, a.company} - {None}
    names_b = {*b.domains, b.company} - {None}
    if not (names_a and names_b):
        return None
    other_domains = bool(a.domains and b.domains) and not set(a.domains) & set(b.domains)
    shared = sorted(names_a & names_b)
    if shared:
        return ("other_domains", None) if other_domains else ("exact", f"f_company:{shared[0]}")
    named = _domain_named(a.company, b.domains) or _domain_named(b.company, a.domains)
    if named:
        # As common as the name is among names and domains: the domain's own key was
        # often held by the new record alone, so this agreement weighed as the rarest.
        return (
            ("other_domains", None) if other_domains else ("exact", f"f_cname:{domain_stem(named)}")
        )
    if a.company and b.company and _similar(a.company, b.company):
        return "similar", None
    return "different", None


def postal_code(a: Features, b: Features) -> Outcome:
    return _exact(a.postal, b.postal, "f_postal")


def city(a: Features, b: Features) -> Outcome:
    return _exact(a.city, b.city, "f_city")


def birth_date(a: Features, b: Features) -> Outcome:
    """exact, transposed (day and month swapped: 03/07 vs 07/03), or different."""
    if not (a.birth and b.birth):
        return None
    if a.birth == b.birth:
        return "exact", f"f_birth:{a.birth}"
    year_a, month_a, day_a = a.birth.split("-")
    year_b, month_b, day_b = b.birth.split("-")
    if year_a == year_b and (month_a, day_a) == (day_b, month_b):
        return "transposed", None
    return "different", None


def _domain_named(company: str | None, domains: tuple[str, ...]) -> str | None:
    """The domain whose name is this company's name: "Union Foods" and "unionfoods.com"."""
    stem = company_stem(company)
    return next((d for d in domains if stem and domain_stem(d) == stem), None)


def _similar(left: str, right: str) -> bool:
    return JaroWinkler.similarity(left, right) >= COMPANY_SIMILARITY


def _exact(left: str | None, right: str | None, kind: str) -> Outcome:
    if not (left and right):
        return None
    return ("exact", f"{kind}:{left}") if left == right else ("different", None)


COMPARISONS: dict[str, Callable[[Features, Features], Outcome]] = {
    "given_name": given_name,
    "family_name": family_name,
    "email": email,
    "phone": phone,
    "company": company,
    "postal_code": postal_code,
    "city": city,
    "birth_date": birth_date,
}
