"""Splitting a full name into given and family name.

Tools that keep one "name" box (web forms, support desks) still have to fill two
canonical fields. The rules are deliberately few and predictable: "Family, Given"
when there is a comma; otherwise the last word is the family name, together with any
particles before it (van, de, al ...); honorifics in front are dropped; suffixes
(Jr., III) stay with the family name.
"""

from __future__ import annotations

_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "rev"})
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "phd", "md", "esq"})
_PARTICLES = frozenset(
    {"van", "von", "de", "der", "den", "da", "das", "dos", "du", "di", "del", "della"}
    | {"la", "le", "ter", "ten", "bin", "ibn", "al", "el", "st"}
)


def split_name(full: str) -> tuple[str | None, str | None]:
    """(given, family) for one full name; a single word is a given name."""
    text = " ".join(full.split())
    family, comma, given = text.partition(",")
    if comma and _plain(given) not in _SUFFIXES:
        given = " ".join(given.replace(",", " ").split())  # "Doe,, Jane": a stray comma
        return given or None, family.strip() or None
    words = text.replace(",", " ").split()
    while len(words) > 1 and _plain(words[0]) in _HONORIFICS:
        words = words[1:]
    suffixes: list[str] = []
    while len(words) > 2 and _plain(words[-1]) in _SUFFIXES:
        suffixes.insert(0, words.pop())
    if len(words) <= 1:
        return (words[0] if words else None), None
    start = len(words) - 1
    while start > 1 and words[start - 1].lower() in _PARTICLES:
        start -= 1
    return " ".join(words[:start]), " ".join(words[start:] + suffixes)


def _plain(word: str) -> str:
    return word.strip().rstrip(".").lower()
