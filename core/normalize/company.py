"""Company names reduced to a matching form: "ACME, Inc." and "Acme Inc" compare equal.

The result is for comparison only, never for display: it is lower case, without
accents, punctuation or trailing legal-form words.
"""

from __future__ import annotations

import re

from core.normalize.text import collapse_spaces, fold

# Legal forms, written as they look after punctuation is removed ("S.A." -> "sa").
# Only stripped from the end of a name, and never when nothing would be left.
_LEGAL_FORMS: tuple[tuple[str, ...], ...] = tuple(
    sorted(
        (
            tuple(form.split())
            for form in (
                "inc", "incorporated", "llc", "llp", "lllp", "lp", "ltd", "limited", "plc",
                "corp", "corporation", "co", "company", "pllc", "pc", "pty", "pty ltd",
                "pty limited", "pvt ltd", "private limited", "pte ltd", "sdn bhd", "bhd",
                "gmbh", "mbh", "gmbh co kg", "gmbh and co kg", "ag", "kg", "kgaa", "ohg",
                "ug", "gbr", "ev", "eg", "se", "sa", "sas", "sasu", "sarl", "sca", "snc",
                "spa", "srl", "sl", "slu", "sa de cv", "de cv", "ltda", "eireli", "bv",
                "nv", "vof", "cv", "bvba", "sprl", "oy", "oyj", "ab", "publ", "as", "asa",
                "aps", "a s", "hf", "ehf", "kk", "yk", "sp z oo", "spzoo", "sro",
                "doo", "dd", "kft", "zrt", "nyrt", "ooo", "zao", "oao", "pao", "jsc",
                "ojsc", "cjsc", "tbk", "sae", "wll", "fze", "fzco", "fzllc", "lda",
            )
        ),
        key=len,
        reverse=True,
    )
)  # fmt: skip

_ABBREVIATION = re.compile(r"\b\w(?:\.\w)+\.?(?!\w)")
_APOSTROPHES = re.compile(r"['\u2019`]")
_NON_WORD = re.compile(r"[^\w\s]|_")


def normalize_company_name(name: str | None) -> str:
    """The matching form of a company name ("" when nothing usable is left)."""
    text = fold(name or "").replace("&", " and ").replace("+", " and ")
    text = _ABBREVIATION.sub(lambda found: found.group(0).replace(".", ""), text)
    text = _APOSTROPHES.sub("", text)
    tokens = collapse_spaces(_NON_WORD.sub(" ", text)).split()
    while len(tokens) > 1 and tokens[0] == "the":
        tokens = tokens[1:]
    return " ".join(_strip_legal_forms(tokens))


def company_stem(matching_form: str | None) -> str | None:
    """A company's name as a domain spells it: the matching form without spaces.

    "union foods" -> "unionfoods", which ``domain_stem("unionfoods.com")`` also gives.
    None under three letters: too short to name a company.
    """
    compact = (matching_form or "").replace(" ", "")
    return compact if len(compact) >= 3 else None


def domain_stem(registrable: str | None) -> str | None:
    """The name part of a registrable domain, without hyphens: "union-foods.co.uk" ->
    "unionfoods" (a registrable domain is one label before its public suffix)."""
    label = (registrable or "").partition(".")[0].replace("-", "")
    return label if len(label) >= 3 else None


def _strip_legal_forms(tokens: list[str]) -> list[str]:
    """Drop trailing legal-form words ("pty ltd", "gmbh & co kg"), keeping one word."""
    changed = True
    while changed:
        changed = False
        for form in _LEGAL_FORMS:
            if len(tokens) > len(form) and tuple(tokens[-len(form) :]) == form:
                tokens = tokens[: -len(form)]
                changed = True
                break
        if len(tokens) > 1 and tokens[-1] == "and" and changed:
            tokens = tokens[:-1]
    return tokens
