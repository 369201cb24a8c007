"""Sorting a store's split people by the evidence that would have joined them."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest

from benchmarks.identity.ceiling import Data
from benchmarks.identity.splits import (
    NOT_EVEN_BY_NAME,
    main,
    review_pairs,
    split_kinds,
    stored_customers,
)
from core.db import Database
from core.models import Customer, ReviewItem
from tests.core.identity.support import ingest, make_connectors

NOTHING: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())


def test_each_split_person_is_put_at_the_first_tier_that_makes_them_whole() -> None:
    people = [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    keys = {
        "email:ann@example.com": [0, 1],
        "phone:+14155550101": [1, 2],  # a switchboard: people 1 and 2 share it
        "postal_code:94105:ANS": [2, 3],
        "name:ANS:AN": [4, 5, 6, 7],
        "email:eve@example.com": [8, 9],
    }
    data = Data(
        people=people,
        indexes=[10 * i for i in range(10)],  # generator indexes, not positions
        holders=defaultdict(list, keys),
        names=[None] * 10,
        facts=[()] * 10,
        owned=[NOTHING] * 10,
    )
    customers = {0: 100, 10: 101, 20: 102, 30: 103, 40: 104, 50: 104, 60: 105, 70: 106, 80: 107}
    asked = {frozenset({100, 101}), frozenset({105, 999})}

    found = split_kinds(data, customers, asked)

    assert found == Counter(
        {
            ("an identifier", True): 1,  # person 1, asked about
            ("a name with a fact", False): 1,  # person 2
            ("a name alone", False): 1,  # person 4: only 105 is asked about, not 106
        }
    )  # person 3 is whole; person 5's second record is not stored
    assert sum(found.values()) == 3
    assert NOT_EVEN_BY_NAME not in {tier for tier, _ in found}
    alone = Data([1, 1], [0, 1], defaultdict(list), [None] * 2, [()] * 2, [NOTHING] * 2)
    assert split_kinds(alone, {0: 1, 1: 2}, set()) == Counter({(NOT_EVEN_BY_NAME, False): 1})


def test_a_store_is_read_with_merges_followed_and_open_items_only(database: Database) -> None:
    [crm] = make_connectors(database, "csvimport")
    ids = [
        ingest(database, crm, f"crm-{index}", given_name=name, emails=[f"{name}@example.com"])
        for index, name in ((3, "ann"), (7, "bob"), (9, "cy"))
    ]
    ann, bob, cy = (result.customer_id for result in ids)
    with database.session() as session:
        session.get(Customer, bob).merged_into_id = ann
        session.add_all(
            [
                ReviewItem(
                    reason="probable_match",
                    source_record_id=ids[2].source_record_id,
                    candidate_record_id=ids[1].source_record_id,
                ),
                ReviewItem(
                    status="dismissed",
                    reason="probable_match",
                    source_record_id=ids[2].source_record_id,
                    candidate_record_id=ids[0].source_record_id,
                ),
            ]
        )

    assert stored_customers(database) == {3: ann, 7: ann, 9: cy}
    assert review_pairs(database) == {frozenset({ann, cy})}  # bob's record now sits in ann


def test_a_store_that_is_not_a_file_is_refused_before_any_work(
    tmp_path, monkeypatch, capsys
) -> None:
    missing = tmp_path / "missing.db"
    monkeypatch.setattr("sys.argv", ["splits", str(missing), "--size", "10k"])
    monkeypatch.setattr(
        "benchmarks.identity.splits.featured",
        lambda *args: pytest.fail("records were featured for a missing store"),
    )

    with pytest.raises(SystemExit) as stopped:
        main()

    assert stopped.value.code == 2
    assert f"{missing} is not a file" in capsys.readouterr().err
    assert not missing.exists()  # SQLite did not create an empty store there
