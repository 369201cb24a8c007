"""The review threshold rises with the store: a score means less among more customers."""

from __future__ import annotations

import math

import pytest

from core.identity.candidates import CandidateIndex
from core.identity.features import extract
from core.identity.options import IdentityOptions
from core.identity.resolve import resolve
from core.identity.weights import Scorer, m_table, u_table

KATHERINE = {
    "given_name": "Katherine",
    "family_name": "Johnson",
    "company_name": "Acme",
    "address": {"postal_code": "94105", "city": "San Francisco"},
}
KATHY = {"given_name": "Kathy", "family_name": "Jonson", "company_name": "Acme Inc"}


def test_the_floor_rises_by_log2_of_the_store_over_the_reference() -> None:
    options = IdentityOptions()
    assert options.review_floor(0) == options.review_floor(10_000) == 10.0
    assert options.review_floor(100_000) == pytest.approx(10 + math.log2(10))
    assert options.review_floor(1_000_000) == pytest.approx(10 + math.log2(100))
    unrisen_link = IdentityOptions(link_reference_records=None)
    assert unrisen_link.review_floor(10**12) == 20.0  # never above the link threshold
    fixed = IdentityOptions(review_reference_records=None)
    assert fixed.review_floor(10**9) == 10.0
    with pytest.raises(ValueError, match="review_reference_records"):
        IdentityOptions(review_reference_records=0)


def decide(records: int, options: IdentityOptions | None = None):
    """Kathy against a store holding Katherine among ``records`` records (prior u)."""
    options = options or IdentityOptions()
    index = CandidateIndex(options=options, total=records)
    index.add(extract(KATHERINE), 1, pending=None)
    scorer = Scorer(m_table(), u_table(), lambda _field, _key, prior: prior, set())
    return resolve(
        extract(KATHY),
        record_id=None,
        current=None,
        index=index,
        scorer=scorer,
        new_customer=lambda: 2,
    )


def test_a_middling_score_is_queued_in_a_small_store_and_not_in_a_large_one() -> None:
    small = decide(5_000)
    assert small.action == "review"
    score = small.reviews[0].score
    assert 10 <= score < IdentityOptions().review_floor(1_000_000)  # the case this tests
    large = decide(1_000_000)
    assert (large.action, large.reviews) == ("created", [])
    assert large.explanation["thresholds"]["review"] == pytest.approx(16.64)
    assert large.explanation["best"]["total"] < 16.64
    kept = decide(1_000_000, IdentityOptions(review_reference_records=None))
    assert kept.action == "review"
