"""Person names: parts, a properly capitalised display name, and nickname groups.

Parsing uses nameparser, which knows "Last, First" order, titles, suffixes and
particles ("van der Berg"). Given-name nicknames come from the curated table of the
PyPI package "nicknames" (Apache-2.0), so "Bob Smith" and "Robert Smith" can be
found as candidates for the same person.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cache

from nameparser import HumanName
from nicknames import NickNamer

from core.normalize.text import collapse_spaces, fold

_PARTS = ("title", "first", "middle", "last", "suffix", "nickname")


@dataclass(frozen=True, slots=True)
class NameResult:
    """One parsed person name; unusable input is kept in ``raw`` with a reason."""

    raw: str | None
    title: str | None
    given: str | None
    middle: str | None
    family: str | None
    suffix: str | None
    nickname: str | None
    full: str | None  # display form, e.g. "Dr. Jane A. Smith"
    valid: bool
    error: str | None

    @property
    def normalized(self) -> str | None:
        """The display form: the form other stages store."""
        return self.full


def parse_name(raw: str | None) -> NameResult:
    """Split and capitalise one full name; never raises on bad input."""
    text = collapse_spaces(raw or "")
    reason = _precheck(text)
    if reason is not None:
        return _invalid(raw, reason)
    parts = _capitalised_parts(text)
    display = [parts[key] for key in ("title", "first", "middle", "last", "suffix")]
    full = " ".join(part for part in display if part)
    if not (parts["first"] or parts["last"]):
        return _invalid(raw, "no given or family name")
    return NameResult(
        raw=raw,
        title=parts["title"] or None,
        given=parts["first"] or None,
        middle=parts["middle"] or None,
        family=parts["last"] or None,
        suffix=parts["suffix"] or None,
        nickname=parts["nickname"] or None,
        full=full,
        valid=True,
        error=None,
    )


def split_full_name(raw: str | None) -> tuple[str | None, str | None]:
    """(given, family) of a full name, for tools that store the two fields apart."""
    result = parse_name(raw)
    return result.given, result.family


def canonical_given_names(given: str | None) -> set[str]:
    """The name itself plus the names it may be short for, lower case and unaccented.

    Two given names may belong to one person when their sets intersect:
    "Bob" -> {"bob", "robert", ...}, "Robert" -> {"robert", "bob", ...}.
    """
    name = _folded(given)
    if not name:
        return set()
    return {name} | _nicknamer().canonicals_of(name)


def given_names_compatible(a: str | None, b: str | None) -> bool:
    """True when two given names may be the same person ("Bill" and "William")."""
    left, right = canonical_given_names(a), canonical_given_names(b)
    return bool(left and right) and nicknames_agree(_folded(a), _folded(b), left, right)


def nicknames_agree(
    left: str, right: str, left_names: AbstractSet[str], right_names: AbstractSet[str]
) -> bool:
    """One name is short for the other, or both are short for a longer one.

    Arguments are folded names and their ``canonical_given_names``. The nickname table
    lists some names in both directions (Bill under Robert as well as under William),
    so the sets of Robert and William share "bill": a short form two full names have in
    common does not make them one name, and a full form is never the shorter. At 1M
    records, 88 of 510 false links were a William linked with a Robert, and no true
    link depended on such a pair.
    """
    if left == right:
        return True
    shared = left_names & right_names
    if right in shared and len(right) >= len(left):
        return True
    if left in shared and len(left) >= len(right):
        return True
    return any(len(name) > max(len(left), len(right)) for name in shared)


def _folded(given: str | None) -> str:
    return fold(collapse_spaces(given or "")).strip(".")


@cache
def _nicknamer() -> NickNamer:
    """The nickname table, loaded once per process."""
    return NickNamer()


def _precheck(text: str) -> str | None:
    """Catch values that are plainly not a person's name."""
    if not text:
        return "empty"
    if "@" in text:
        return "looks like an email address"
    if not any(ch.isalpha() for ch in text):
        return "no letters"
    return None


def _capitalised_parts(text: str) -> dict[str, str]:
    """Name parts, re-capitalised only where the input was all upper or all lower case.

    "DR. JANE SMITH" becomes "Dr. Jane Smith", but a deliberate "DeVito" is kept.
    """
    parsed = HumanName(text)
    before = {key: getattr(parsed, key) for key in _PARTS}
    parsed.capitalize(force=True)  # re-renders the same parse: one parse, not two
    return {
        key: getattr(parsed, key) if _single_case(value) else value for key, value in before.items()
    }


def _single_case(value: str) -> bool:
    """True when the letters are all upper or all lower case (or there are none)."""
    return value == value.upper() or value == value.lower()


def _invalid(raw: str | None, reason: str) -> NameResult:
    """An invalid result that keeps the raw value and says why."""
    return NameResult(
        raw=raw,
        title=None,
        given=None,
        middle=None,
        family=None,
        suffix=None,
        nickname=None,
        full=None,
        valid=False,
        error=reason,
    )
