"""Data-quality report: how many values of each field were usable, and why not.

Normalizers never drop a bad value: they keep it raw and say why it is invalid. This
report counts those verdicts per field so an admin can see, per sync or import, that
"email: 2 of 10 invalid (no @: 1, reserved domain: 1)" and fix the source.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol


class Checked(Protocol):
    """What every normalizer result offers: a verdict and, when invalid, a reason."""

    @property
    def raw(self) -> str | None: ...
    @property
    def valid(self) -> bool: ...
    @property
    def error(self) -> str | None: ...


# Facts worth counting even on valid values (a role mailbox is valid but weak).
_FLAG_ATTRIBUTES = ("is_role", "is_freemail")


@dataclass
class FieldQuality:
    """Counts for one field."""

    seen: int = 0
    valid: int = 0
    invalid: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    flags: Counter[str] = field(default_factory=Counter)
    samples: dict[str, list[str]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON, the UI and logs."""
        data: dict[str, Any] = {
            "seen": self.seen,
            "valid": self.valid,
            "invalid": self.invalid,
            "reasons": dict(self.reasons),
        }
        if self.flags:
            data["flags"] = dict(self.flags)
        if self.samples:
            data["samples"] = {reason: list(raws) for reason, raws in self.samples.items()}
        return data


@dataclass
class QualityReport:
    """Per-field counts of seen / valid / invalid values with the reasons.

    ``max_samples`` keeps up to that many raw invalid values per reason, to show an
    admin what to fix; it is 0 by default because raw values are personal data.
    """

    max_samples: int = 0
    fields: dict[str, FieldQuality] = field(default_factory=dict)

    def add(self, field_name: str, result: Checked) -> None:
        """Count one normalizer result (EmailResult, PhoneResult, ...) under a field."""
        counts = self.fields.setdefault(field_name, FieldQuality())
        counts.seen += 1
        for flag in _FLAG_ATTRIBUTES:
            if getattr(result, flag, False):
                counts.flags[flag.removeprefix("is_")] += 1
        if result.valid:
            counts.valid += 1
            return
        counts.invalid += 1
        reason = result.error or "invalid"
        counts.reasons[reason] += 1
        self._keep_sample(counts, reason, result.raw)

    def add_all(self, field_name: str, results: Iterable[Checked]) -> None:
        """Count several results of one field."""
        for result in results:
            self.add(field_name, result)

    def merge(self, other: QualityReport) -> None:
        """Add another report's counts, e.g. one per page of a sync."""
        for name, theirs in other.fields.items():
            ours = self.fields.setdefault(name, FieldQuality())
            ours.seen += theirs.seen
            ours.valid += theirs.valid
            ours.invalid += theirs.invalid
            ours.reasons.update(theirs.reasons)
            ours.flags.update(theirs.flags)
            for reason, raws in theirs.samples.items():
                for raw in raws:
                    self._keep_sample(ours, reason, raw)

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """Plain data: {"email": {"seen": 10, "valid": 8, "invalid": 2, "reasons": {...}}}."""
        return {name: counts.to_dict() for name, counts in sorted(self.fields.items())}

    def _keep_sample(self, counts: FieldQuality, reason: str, raw: str | None) -> None:
        """Remember a raw invalid value, up to ``max_samples`` per reason."""
        if self.max_samples <= 0 or raw is None:
            return
        kept = counts.samples.setdefault(reason, [])
        if len(kept) < self.max_samples:
            kept.append(raw)
