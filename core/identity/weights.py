"""Fellegi-Sunter scoring: each field's agreement level adds log2(m/u) bits.

m = P(level | same person), u = P(level | different people). Agreeing on a rare value
is strong evidence (small u), on a common one weak; disagreeing subtracts. A missing
field adds nothing. The total is compared with the two thresholds of the options.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from core.identity.compare import COMPARISONS
from core.identity.features import Features
from core.identity.people import distinct_people

Table = dict[str, dict[str, float]]

# P(level | same person). "different" is what is left when people change jobs, move,
# marry, or a tool stores a nickname.
DEFAULT_M: Table = {
    "given_name": {
        "exact": 0.80,
        "nickname": 0.08,
        "initial": 0.03,
        "typo": 0.05,
        "different": 0.04,
    },
    "family_name": {"exact": 0.88, "typo": 0.05, "phonetic": 0.03, "different": 0.04},
    "email": {"exact": 0.50, "typo": 0.05, "different": 0.45},
    "phone": {"exact": 0.50, "tail": 0.05, "different": 0.45},
    "company": {"exact": 0.65, "other_domains": 0.02, "similar": 0.10, "different": 0.23},
    "postal_code": {"exact": 0.70, "different": 0.30},
    "city": {"exact": 0.75, "different": 0.25},
    "birth_date": {"exact": 0.95, "transposed": 0.02, "different": 0.03},
}

# P(level | different people). The "exact" row is only the prior: the stored value
# frequencies replace it. "different" is 1 minus the other levels.
DEFAULT_U: Table = {
    "given_name": {"exact": 0.01, "nickname": 0.004, "initial": 0.04, "typo": 0.006},
    "family_name": {"exact": 0.002, "typo": 0.002, "phonetic": 0.003},
    "email": {"exact": 1e-6, "typo": 1e-3},
    "phone": {"exact": 1e-6, "tail": 1e-5},
    "company": {"exact": 0.005, "other_domains": 0.001, "similar": 0.003},
    "postal_code": {"exact": 0.005},
    "city": {"exact": 0.02},
    "birth_date": {"exact": 0.0003, "transposed": 0.0001},
}

_FLOOR = 1e-9
NAME_FIELDS = ("given_name", "family_name")
IDENTIFIERS = ("email", "phone")
# Levels that weigh nothing and agree on nothing: an identifier two differently named
# people share, a personal address beside a work one (they never coincide), a city the
# agreeing postal code already names.
NEUTRAL_LEVELS = ("shared", "personal_and_work", "implied")
# field -> the field whose exact agreement implies its own. Two records with one postal
# code name one city whether or not they are one person (m and u of the city's
# agreement are both near 1), so counting both counted one fact twice: name, postal code
# and city alone reached the link threshold, and most false merges at 30k records were
# namesakes living at one postal code.
IMPLIED_BY = {"city": "postal_code"}
# Levels that say two people: weighed as "different", and never part of a link (at most
# a review). Two numbered work addresses at one company are two colleagues of one name:
# at 100,000 records 14 of the 97 false links were such pairs, and no true one.
SEPARATE_LEVELS = ("numbered",)


def agrees_beyond_name(levels: Mapping[str, str | None]) -> bool:
    """Something besides the name agrees: a field level that is evidence for one person."""
    return any(
        name not in NAME_FIELDS and level not in ("different", *NEUTRAL_LEVELS)
        for name, level in levels.items()
    )


ExactU = Callable[[str, str, float], float]  # (field, frequency key, prior u) -> u


def match_weight(m: float, u: float) -> float:
    """log2(m/u), with both kept inside (0, 1) so no level is infinitely decisive."""
    m = min(max(m, _FLOOR), 1 - _FLOOR)
    u = min(max(u, _FLOOR), 1 - _FLOOR)
    return math.log2(m / u)


def u_table(overrides: Mapping[str, Mapping[str, float]] | None = None) -> Table:
    """The u table with overrides applied and each "different" level filled in."""
    table = {field: dict(levels) for field, levels in DEFAULT_U.items()}
    for field, levels in (overrides or {}).items():
        table.setdefault(field, {}).update(levels)
    for levels in table.values():
        agree = sum(p for level, p in levels.items() if level != "different")
        levels.setdefault("different", max(1.0 - agree, _FLOOR))
    return table


def m_table(*layers: Mapping[str, Mapping[str, float]] | None) -> Table:
    """Default m, then each layer (estimates, then the caller's overrides) on top."""
    table = {field: dict(levels) for field, levels in DEFAULT_M.items()}
    for layer in layers:
        for field, levels in (layer or {}).items():
            table.setdefault(field, {}).update(levels)
    return table


@dataclass(frozen=True)
class FieldWeight:
    level: str
    weight: float
    m: float
    u: float


@dataclass(frozen=True)
class Score:
    total: float
    fields: Mapping[str, FieldWeight]
    names_conflict: bool = False  # the names say these are two different people

    @property
    def may_link(self) -> bool:
        """A link needs names that fit, nothing that says two people, and something
        besides the name that agrees."""
        levels = {name: f.level for name, f in self.fields.items()}
        if self.names_conflict or any(level in SEPARATE_LEVELS for level in levels.values()):
            return False
        return agrees_beyond_name(levels)

    def explain(self) -> dict[str, Any]:
        """Plain data for the stored explanation: each field's level and weight."""
        fields = {
            name: {"level": f.level, "weight": round(f.weight, 2), "m": f.m, "u": _short(f.u)}
            for name, f in self.fields.items()
        }
        return {"total": round(self.total, 2), "fields": fields}


class Scorer:
    """Scores record pairs with fixed m/u tables and a value-frequency u for "exact"."""

    def __init__(self, m: Table, u: Table, exact_u: ExactU, fixed_exact: set[str]) -> None:
        self.m, self.u, self.exact_u, self.fixed_exact = m, u, exact_u, fixed_exact

    def score(self, a: Features, b: Features) -> Score:
        fields: dict[str, FieldWeight] = {}
        shared_line = distinct_people(a, b)
        for name, compare in COMPARISONS.items():
            outcome = compare(a, b)
            if outcome is None:
                continue
            if shared_line and name in IDENTIFIERS and outcome[0] == "exact":
                # Two people whose names contradict share this number or inbox: a
                # switchboard or a family address, which says nothing about identity.
                fields[name] = FieldWeight("shared", 0.0, 0.0, 0.0)
                continue
            if outcome[0] in NEUTRAL_LEVELS:
                fields[name] = FieldWeight(outcome[0], 0.0, 0.0, 0.0)
                continue
            if outcome[0] in SEPARATE_LEVELS:
                differ = self._weigh(name, "different", None)
                fields[name] = FieldWeight(outcome[0], differ.weight, differ.m, differ.u)
                continue
            fields[name] = self._weigh(name, *outcome)
        for name, by in IMPLIED_BY.items():
            if _level(fields, name) == "exact" and _level(fields, by) == "exact":
                fields[name] = FieldWeight("implied", 0.0, 0.0, 0.0)
        return Score(sum(f.weight for f in fields.values()), fields, shared_line)

    def _weigh(self, name: str, level: str, value: str | None) -> FieldWeight:
        m = self.m[name][level]
        u = self.u[name][level]
        if level == "exact" and value is not None and name not in self.fixed_exact:
            u = self.exact_u(name, value, u)
        return FieldWeight(level, match_weight(m, u), m, u)


def _level(fields: Mapping[str, FieldWeight], name: str) -> str | None:
    found = fields.get(name)
    return found.level if found else None


def _short(value: float) -> float:
    return float(f"{value:.3g}")
