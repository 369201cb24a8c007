"""Shares of common keys are remembered for a while; rare keys are always counted."""

from __future__ import annotations

from core.db import Database
from core.identity.candidates import load_index
from core.identity.common_counts import CommonCounts, common_counts
from core.identity.features import extract
from core.identity.options import IdentityOptions
from tests.core.identity.support import ingest


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_only_common_shares_are_remembered_and_only_while_fresh() -> None:
    clock = Clock()
    cache = CommonCounts(common=10, ttl=60.0, clock=clock)

    cache.remember({"f_city:london": 12, "email:ada@example.com": 1}, total=100)

    assert cache.known(["f_city:london", "email:ada@example.com"], 100) == {"f_city:london": 12}
    clock.now += 59.0
    # the store grew: the remembered share of records, not the old count
    assert cache.known(["f_city:london"], 150) == {"f_city:london": 18}
    clock.now += 1.0
    assert cache.known(["f_city:london"], 150) == {}


def test_a_common_key_is_counted_once_a_minute_a_rare_one_every_time(
    database: Database, sources: list[int]
) -> None:
    csv = sources[0]
    for n in range(3):
        ingest(database, csv, f"p{n}", emails=[f"p{n}@example.com"], given_name="Ann")
    ann = extract({"given_name": "Ann", "emails": ["p9@example.com"]})
    with database.session() as session:
        common_counts(session).common = 3  # "Ann" (3 records) counts as common here
        first = load_index(session, [ann], [], 3, IdentityOptions()).counts

    ingest(database, csv, "p3", emails=["p9@example.com"], given_name="Ann")
    with database.session() as session:  # asked with the same total: the same estimate
        second = load_index(session, [ann], [], 3, IdentityOptions()).counts

    given_key = next(k for k in ann.all_keys() if k.startswith("f_given:"))
    email_key = "email:p9@example.com"
    assert (first[given_key], second[given_key]) == (3, 3)  # remembered, not recounted (4)
    assert (first[email_key], second[email_key]) == (0, 1)  # rare: counted again


def test_each_database_has_its_own_counts(database: Database) -> None:
    other = Database("sqlite://")
    try:
        with database.session() as one, other.session() as two:
            assert common_counts(one) is common_counts(one)
            assert common_counts(one) is not common_counts(two)
    finally:
        other.dispose()
