"""Settings of identity resolution; every default can be overridden per call.

Weights are in bits (log2 likelihood ratios). With the default m/u tables an exact,
common name alone scores about 11 (review), a name with the same company and postal
code well above 21 (link), and two people who merely share a common name below 10.
Whatever the total, a record is linked only when something besides the name agrees
and the names do not contradict each other; otherwise it waits for review.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class IdentityOptions:
    """Thresholds, m/u overrides and limits.

    ``m`` and ``u`` map a field to {level: probability}; an override in ``u`` for the
    "exact" level replaces the value-frequency estimate for that field.
    """

    # 21, not 20: at 100,000 records (101,000 generated) the links scoring 20-21 bits
    # were 7 % namesakes, and with them cluster precision was 0.9987 (72 false merges).
    auto_link_threshold: float = 21.0
    review_threshold: float = 10.0
    # The store size the review threshold is set for. In a larger store the same score
    # is weaker evidence (the prior odds that one given customer is the one fall with
    # the number of customers), so the review threshold rises by log2(records / this),
    # never above the auto-link threshold; None keeps it fixed.
    review_reference_records: int | None = 10_000
    # The same for the auto-link threshold, calibrated where it was measured to keep
    # cluster precision at 0.999 (100,000 records), rising by ``link_rise`` bits per
    # doubling beyond. One bit per doubling (the prior-odds argument alone) left the
    # links in the first bit above the threshold 15 % namesakes at 1M, against 8 % at
    # 100k (same name, same company name or postal code); at 1.3 the threshold is 25.3
    # bits at 1M.
    link_reference_records: int | None = 100_000
    link_rise: float = 1.3
    m: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    u: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    estimate_m: bool = True  # learn m from records already linked by email or phone
    frequency_prior: float = 100.0  # pseudo-records pulling u toward its default
    m_prior: float = 50.0  # pseudo-pairs pulling m toward its default
    shared_key_people: int = 3  # distinct people on one email/phone before it is demoted
    max_block_size: int = 200  # a blocking key held by more records nominates nobody
    max_candidates: int = 20  # customers scored per record
    max_reviews_per_record: int = 3
    # A record whose email is one customer's and whose phone another's merges the two
    # when all their records agree on the name (see core/identity/bridges.py); False
    # sends every such pair to review instead.
    merge_bridges: bool = True
    default_region: str | None = None  # for national phone numbers without a country

    def link_threshold(self, records: int) -> float:
        """The auto-link threshold for a store of ``records`` source records."""
        return self.auto_link_threshold + self.link_rise * _rise(
            records, self.link_reference_records
        )

    def review_floor(self, records: int) -> float:
        """The review threshold for a store of ``records`` source records."""
        risen = self.review_threshold + _rise(records, self.review_reference_records)
        return min(risen, self.link_threshold(records))

    def __post_init__(self) -> None:
        if self.review_threshold > self.auto_link_threshold:
            raise ValueError("review_threshold must not exceed auto_link_threshold")
        for name in ("review_reference_records", "link_reference_records"):
            reference = getattr(self, name)
            if reference is not None and reference < 1:
                raise ValueError(f"{name} must be at least 1 (or None)")
        if self.link_rise < 0:
            raise ValueError("link_rise must not be negative")
        if self.shared_key_people < 2:
            raise ValueError("shared_key_people must be at least 2")


def _rise(records: int, reference: int | None) -> float:
    """log2 of how many times the store exceeds ``reference`` (0 up to it, or without it)."""
    if reference is None or records <= reference:
        return 0.0
    return math.log2(records / reference)
