"""The auto-link threshold rises past 100,000 records: the same score, more namesakes."""

from __future__ import annotations

import math

import pytest

from core.identity.candidates import CandidateIndex
from core.identity.features import extract
from core.identity.options import IdentityOptions
from core.identity.resolve import Decision, resolve
from core.identity.weights import Scorer, m_table, u_table
from web.explanations import describe_link

STORED = {
    "given_name": "Katherine",
    "family_name": "Johnson",
    "company_name": "Acme",
    "address": {"postal_code": "94105", "city": "San Francisco"},
}
NAME_AND_COMPANY = {"given_name": "Katherine", "family_name": "Johnson", "company_name": "Acme Inc"}


def test_the_link_threshold_rises_by_log2_of_the_store_over_its_reference() -> None:
    options = IdentityOptions()
    assert options.link_threshold(0) == options.link_threshold(100_000) == 20.0
    assert options.link_threshold(1_000_000) == pytest.approx(20 + math.log2(10))
    fixed = IdentityOptions(link_reference_records=None)
    assert fixed.link_threshold(10**9) == 20.0
    with pytest.raises(ValueError, match="link_reference_records"):
        IdentityOptions(link_reference_records=0)


def decide(records: int, options: IdentityOptions | None = None) -> Decision:
    """The newcomer against a store holding Katherine among ``records`` records."""
    options = options or IdentityOptions()
    index = CandidateIndex(options=options, total=records)
    index.add(extract(STORED), 1, pending=None)
    scorer = Scorer(m_table(), u_table(), lambda _field, _key, prior: prior, set())
    return resolve(
        extract(NAME_AND_COMPANY),
        record_id=None,
        current=None,
        index=index,
        scorer=scorer,
        new_customer=lambda: 2,
    )


def test_name_and_company_link_at_100k_and_wait_for_review_at_1m() -> None:
    small = decide(100_000)
    assert (small.action, small.customer) == ("linked", 1)
    assert 20 <= small.explanation["total"] < IdentityOptions().link_threshold(1_000_000)

    large = decide(1_000_000)
    assert (large.action, large.customer) == ("review", 2)
    assert large.explanation["thresholds"] == {"auto_link": 23.32, "review": 16.64}
    review = large.reviews[0]
    assert review.score == small.explanation["total"]
    assert review.explanation["thresholds"] == {"auto_link": 23.32, "review": 16.64}
    summary = describe_link(review.explanation).headline
    assert "below the auto-link threshold of 23.3" in summary
    assert "review threshold of 16.6" in summary

    fixed = decide(1_000_000, IdentityOptions(link_reference_records=None))
    assert (fixed.action, fixed.customer) == ("linked", 1)
