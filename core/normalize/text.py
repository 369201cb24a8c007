"""Small text helpers shared by the normalizers."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def collapse_spaces(value: str) -> str:
    """Trim and collapse runs of whitespace so spacing never splits a match."""
    return _SPACES.sub(" ", value).strip()


def fold(value: str) -> str:
    """Case-fold and drop accents: "Société" and "SOCIETE" must compare equal."""
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped.casefold())
