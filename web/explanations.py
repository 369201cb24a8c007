"""Link explanations in words: why a source record belongs to its customer.

Identity resolution stores each decision as plain data (the rule, the keys it shared,
or each field's weight and the total score). People reviewing a link need the same
facts as sentences and a table, so the customer page, the review queue and the API all
describe an explanation through ``describe_link``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from core.identity import IdentityOptions
from core.identity.weights import SEPARATE_LEVELS, agrees_beyond_name

FIELD_LABELS = {
    "given_name": "Given name",
    "family_name": "Family name",
    "email": "Email",
    "phone": "Phone",
    "company": "Company",
    "postal_code": "Postal code",
    "city": "City",
    "birth_date": "Birth date",
}
LEVEL_LABELS = {
    "exact": "same",
    "nickname": "nickname",
    "initial": "initial only",
    "typo": "small typo",
    "phonetic": "sounds alike",
    "similar": "similar",
    "tail": "same last digits",
    "transposed": "day and month swapped",
    "different": "different",
    "shared": "shared by differently named people (no evidence)",
    "personal_and_work": "work vs personal address (no evidence)",
    "implied": "same, as the postal code says (no extra evidence)",
    "numbered": "numbered addresses at one company (two colleagues)",
    "other_domains": "same name, other domains (maybe two companies)",
}
KEY_LABELS = {"email": "email", "phone": "phone"}
BAR_STEPS = 10
BAR_FULL_BITS = 20.0


@dataclass(frozen=True)
class FieldWeight:
    """One compared field: how it agreed and how many bits that added."""

    name: str
    label: str
    level: str
    level_label: str
    weight: float
    bar: int  # 0..BAR_STEPS, for a CSS width class

    @property
    def positive(self) -> bool:
        return self.weight >= 0


@dataclass(frozen=True)
class LinkExplanation:
    rule: str
    headline: str
    keys: list[str] = field(default_factory=list)
    fields: list[FieldWeight] = field(default_factory=list)
    total: float | None = None
    auto_link: float | None = None
    review: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def scored(self) -> bool:
        return self.total is not None


def describe_link(explanation: Mapping[str, Any] | None) -> LinkExplanation:
    """Any stored explanation (link or review) as a headline, keys and a weights table."""
    data = dict(explanation or {})
    rule = str(data.get("rule") or "")
    describe = _DESCRIBERS.get(rule, _unknown)
    return describe(data)


def describe_key(key: str) -> str:
    """A stored key in words, e.g. ``email:ann@x.com`` as ``email ann@x.com``."""
    kind, _, value = key.partition(":")
    return f"{KEY_LABELS.get(kind, kind.replace('_', ' '))} {value}".strip()


def weights(fields: Mapping[str, Any] | None) -> list[FieldWeight]:
    """The compared fields, strongest evidence first (by absolute weight)."""
    rows = []
    for name, item in (fields or {}).items():
        weight = float(item.get("weight") or 0.0)
        level = str(item.get("level") or "")
        rows.append(
            FieldWeight(
                name=name,
                label=FIELD_LABELS.get(name, name.replace("_", " ").capitalize()),
                level=level,
                level_label=LEVEL_LABELS.get(level, level.replace("_", " ")),
                weight=round(weight, 2),
                bar=min(BAR_STEPS, round(abs(weight) / BAR_FULL_BITS * BAR_STEPS)),
            )
        )
    return sorted(rows, key=lambda row: (-abs(row.weight), row.name))


def _thresholds(data: Mapping[str, Any]) -> tuple[float, float]:
    """Stored thresholds, else the defaults that identity resolution runs with."""
    stored = data.get("thresholds") or {}
    defaults = IdentityOptions()
    auto = stored.get("auto_link", defaults.auto_link_threshold)
    review = stored.get("review", defaults.review_threshold)
    return float(auto), float(review)


def _conflict_notes(data: Mapping[str, Any]) -> list[str]:
    """Other customers holding the record's keys: merged in (a bridge) or sent to review."""
    notes = []
    for merged in data.get("merged") or []:
        shared = ", ".join(describe_key(key) for key in merged.get("keys") or [])
        notes.append(
            f"Customer #{merged.get('customer_id')} had {shared}; every record of both names "
            "the same person, so it was merged into this customer (see Merge history to undo)."
        )
    for keys in data.get("conflicts") or []:
        shared = ", ".join(describe_key(key) for key in keys)
        notes.append(f"Another customer also has {shared}; the pair was sent to review.")
    return notes


def _deterministic(data: dict[str, Any]) -> LinkExplanation:
    keys = [describe_key(key) for key in data.get("keys") or []]
    what = "email address" if data["rule"] == "email" else "phone number"
    return LinkExplanation(
        data["rule"],
        f"Linked because it has the same {what} as a record already here.",
        keys=keys,
        notes=_conflict_notes(data),
    )


def _probabilistic(data: dict[str, Any]) -> LinkExplanation:
    auto, review = _thresholds(data)
    total = float(data.get("total") or 0.0)
    return LinkExplanation(
        "probabilistic",
        f"Linked by score: {total:.1f} bits, at or above the auto-link threshold of {auto:.1f}.",
        fields=weights(data.get("fields")),
        total=round(total, 2),
        auto_link=auto,
        review=review,
        notes=_conflict_notes(data),
    )


def _new(data: dict[str, Any]) -> LinkExplanation:
    auto, review = _thresholds(data)
    best = data.get("best")
    if not best:
        return LinkExplanation(
            "new", "Started this customer: no existing customer shared a key or a name."
        )
    total = float(best.get("total") or 0.0)
    verdict = (
        f"below the auto-link threshold of {auto:.1f}."
        if total < auto
        else f"at or above the auto-link threshold of {auto:.1f}, but {_held_back(best)}."
    )
    return LinkExplanation(
        "new",
        f"Started this customer: the closest existing customer scored {total:.1f} bits, {verdict}",
        fields=weights(best.get("fields")),
        total=round(total, 2),
        auto_link=auto,
        review=review,
    )


def _probable(data: dict[str, Any]) -> LinkExplanation:
    auto, review = _thresholds(data)
    total = float(data.get("total") or 0.0)
    if total < auto:
        summary = (
            f"Scored {total:.1f} bits: at or above the review threshold of {review:.1f} "
            f"but below the auto-link threshold of {auto:.1f}."
        )
    else:
        summary = (
            f"Scored {total:.1f} bits, at or above the auto-link threshold of {auto:.1f}, "
            f"but {_held_back(data, linked_elsewhere=True)}: a person decides."
        )
    return LinkExplanation(
        "probable_match",
        summary,
        fields=weights(data.get("fields")),
        total=round(total, 2),
        auto_link=auto,
        review=review,
        notes=_linked_by_notes(data),
    )


def _held_back(scored: Mapping[str, Any], *, linked_elsewhere: bool = False) -> str:
    """Why a score at the auto-link threshold did not link: where the record went instead,
    or the rules of ``Score.may_link``."""
    if linked_elsewhere and scored.get("linked_by"):
        return (
            "the record was linked to another customer by a shared key and a score never "
            "merges two customers"
        )
    fields: Mapping[str, Any] = scored.get("fields") or {}
    levels = {name: (f or {}).get("level") for name, f in fields.items()}
    if any(level in SEPARATE_LEVELS for level in levels.values()):
        return "numbered addresses at one company say these are two colleagues"
    if "different" in (levels.get("given_name"), levels.get("family_name")):
        return "the names say these are two different people"
    if not agrees_beyond_name(levels):
        return "nothing besides the name agrees"
    if linked_elsewhere:
        return "the record was linked to a customer that scored higher"
    return "a link needs a person's decision here"


def _key_conflict(data: dict[str, Any]) -> LinkExplanation:
    keys = [describe_key(key) for key in data.get("keys") or []]
    return LinkExplanation(
        "key_conflict",
        "Both customers have the same identifying key, so they may be one person.",
        keys=keys,
        notes=_linked_by_notes(data),
    )


def _linked_by_notes(data: Mapping[str, Any]) -> list[str]:
    """The keys that linked the record to its own customer, when a key did."""
    linked_by = [describe_key(key) for key in data.get("linked_by") or []]
    return [f"The record was linked elsewhere by {', '.join(linked_by)}."] if linked_by else []


def _external_id(data: dict[str, Any]) -> LinkExplanation:
    return LinkExplanation(
        "external_id",
        "Kept with this customer: the tool sent an update of a record it had sent before.",
        notes=_conflict_notes(data),
    )


def _split(data: dict[str, Any]) -> LinkExplanation:
    actor = data.get("actor") or "someone"
    origin = data.get("from_customer_id")
    where = f" of customer #{origin}" if origin else ""
    return LinkExplanation("split", f"Split out{where} by {actor}.")


def _unknown(data: dict[str, Any]) -> LinkExplanation:
    rule = data.get("rule") or ""
    if not rule:
        return LinkExplanation("", "No explanation was recorded for this link.")
    return LinkExplanation(rule, f"Linked by the rule “{rule}”.")


_DESCRIBERS = {
    "email": _deterministic,
    "phone": _deterministic,
    "probabilistic": _probabilistic,
    "new": _new,
    "probable_match": _probable,
    "key_conflict": _key_conflict,
    "external_id": _external_id,
    "split": _split,
}
