"""m learned from records already linked by email or phone; u from value frequencies."""

import pytest

from core.db import Database
from core.identity import ingest_batch
from core.identity.chunk_settings import read_chunk_settings
from core.identity.estimates import MIN_PAIRS, estimate_m, m_from_pairs
from core.identity.features import extract
from core.identity.weights import DEFAULT_M


def test_too_few_pairs_learn_nothing() -> None:
    pair = (extract({"given_name": "Ann"}), extract({"given_name": "Ann"}))
    assert m_from_pairs([pair] * (MIN_PAIRS - 1)) == {}


def test_observed_agreement_pulls_m_from_its_default() -> None:
    nickname = (extract({"given_name": "Bob"}), extract({"given_name": "Robert"}))
    table = m_from_pairs([nickname] * 150, prior=50.0)
    expected = (150 + 50 * DEFAULT_M["given_name"]["nickname"]) / 200
    assert table["given_name"]["nickname"] == pytest.approx(expected)
    assert table["given_name"]["exact"] == pytest.approx(
        50 * DEFAULT_M["given_name"]["exact"] / 200
    )
    assert sum(table["given_name"].values()) == pytest.approx(1.0)
    assert table["family_name"] == DEFAULT_M["family_name"]  # never observed: the default stands


def test_m_is_learned_from_the_stored_links(database: Database, sources: list[int]) -> None:
    people = [
        (
            f"p{i}",
            {},
            {"given_name": "Robert", "family_name": f"Fam{i}x", "emails": [f"p{i}@ex.org"]},
        )
        for i in range(120)
    ]
    again = [
        (f"p{i}", {}, {"given_name": "Bob", "family_name": f"Fam{i}x", "emails": [f"p{i}@ex.org"]})
        for i in range(120)
    ]
    first = ingest_batch(database, sources[0], people)
    results = ingest_batch(database, sources[1], again)
    # each joined its own customer by email (colleagues of like names may be asked about)
    assert [r.explanation["rule"] for r in results] == ["email"] * 120
    assert [r.customer_id for r in results] == [r.customer_id for r in first]
    with database.session() as session:
        learned = estimate_m(session)
        assert read_chunk_settings(session, sources[0]).record_total == 240
    assert learned["given_name"]["nickname"] > 0.5 > DEFAULT_M["given_name"]["nickname"]
    assert learned["family_name"]["exact"] > DEFAULT_M["family_name"]["exact"]
