"""Both thresholds rise with the store: a score means less among more customers."""

from __future__ import annotations

import math

import pytest

from core.identity.options import IdentityOptions
from core.identity.resolve import Decision
from tests.core.identity.support import NEW_CUSTOMER, index_of_one, resolve_new
from web.explanations import describe_link

KATHERINE = {
    "given_name": "Katherine",
    "family_name": "Johnson",
    "company_name": "Acme",
    "address": {"postal_code": "94105", "city": "San Francisco"},
}
NAME_AND_COMPANY = {"given_name": "Katherine", "family_name": "Johnson", "company_name": "Acme Inc"}
KATHY = {"given_name": "Kathy", "family_name": "Jonson", "company_name": "Acme Inc"}


def test_the_thresholds_rise_with_log2_of_the_store_over_their_references() -> None:
    options = IdentityOptions()
    assert options.link_threshold(0) == options.link_threshold(100_000) == 21.0
    assert options.link_threshold(200_000) == pytest.approx(22.3)  # 1.3 bits per doubling
    assert options.link_threshold(1_000_000) == pytest.approx(21 + 1.3 * math.log2(10))
    assert IdentityOptions(link_rise=1).link_threshold(1_000_000) == pytest.approx(24.32, abs=0.01)
    assert options.review_floor(0) == options.review_floor(10_000) == 10.0
    assert options.review_floor(100_000) == pytest.approx(10 + math.log2(10))
    assert options.review_floor(1_000_000) == pytest.approx(10 + math.log2(100))
    unrisen_link = IdentityOptions(link_reference_records=None)
    assert unrisen_link.review_floor(10**12) == 21.0  # never above the link threshold
    fixed = IdentityOptions(review_reference_records=None, link_reference_records=None)
    assert (fixed.review_floor(10**9), fixed.link_threshold(10**9)) == (10.0, 21.0)
    for name in ("review_reference_records", "link_reference_records"):
        with pytest.raises(ValueError, match=name):
            IdentityOptions(**{name: 0})
    with pytest.raises(ValueError, match="link_rise"):
        IdentityOptions(link_rise=-1)


def decide(
    records: int, options: IdentityOptions | None = None, newcomer: dict | None = None
) -> Decision:
    """Kathy (or ``newcomer``) against a store holding Katherine among ``records`` records
    (prior u)."""
    index = index_of_one(KATHERINE, records, options or IdentityOptions())
    return resolve_new(index, newcomer or KATHY, prior_u=True)


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


def test_name_and_company_link_at_100k_and_wait_for_review_at_1m() -> None:
    small = decide(100_000, newcomer=NAME_AND_COMPANY)
    assert (small.action, small.customer) == ("linked", 1)
    assert 20 <= small.explanation["total"] < IdentityOptions().link_threshold(1_000_000)

    large = decide(1_000_000, newcomer=NAME_AND_COMPANY)
    assert (large.action, large.customer) == ("review", NEW_CUSTOMER)
    assert large.explanation["thresholds"] == {"auto_link": 25.32, "review": 16.64}
    review = large.reviews[0]
    assert review.score == small.explanation["total"]
    assert review.explanation["thresholds"] == {"auto_link": 25.32, "review": 16.64}
    summary = describe_link(review.explanation).headline
    assert "below the auto-link threshold of 25.3" in summary
    assert "review threshold of 16.6" in summary

    fixed = decide(1_000_000, IdentityOptions(link_reference_records=None), NAME_AND_COMPANY)
    assert (fixed.action, fixed.customer) == ("linked", 1)
