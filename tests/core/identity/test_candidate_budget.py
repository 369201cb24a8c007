"""Only the customers a record is scored against have their features fetched."""

from __future__ import annotations

from core.db import Database
from core.identity.candidates import CandidateIndex, load_index
from core.identity.features import Features, extract
from core.identity.options import IdentityOptions
from core.identity.resolve import Decision, prefetch_candidates
from tests.core.identity.support import ingest, resolve_new

GIVEN = ["Ann", "Bea", "Cyd", "Dov", "Eli", "Fay", "Gus", "Hal"]
OPTIONS = IdentityOptions(max_candidates=3)
NEWCOMER = {"given_name": "Zed", "family_name": "Okafor", "postal_code": "94105"}


def store_namesakes(database: Database, connector: int) -> None:
    """Eight people sharing a family name and postal code: eight customers, one block."""
    for n, given in enumerate(GIVEN):
        ingest(
            database, connector, f"p{n}", given_name=given, family_name="Okafor",
            postal_code="94105", emails=[f"{given.lower()}@example.com"],
        )  # fmt: skip


def decide(index: CandidateIndex) -> Decision:
    return resolve_new(index, NEWCOMER)


def record_fetches(index: CandidateIndex) -> list[list[int]]:
    """The record ids of each fetch the index makes from now on."""
    calls: list[list[int]] = []
    fetch = index.fetch
    assert fetch is not None

    def recording(record_ids: list[int]) -> dict[int, Features]:
        calls.append(record_ids)
        return fetch(record_ids)

    index.fetch = recording
    return calls


def test_features_are_fetched_for_the_scored_customers_only(
    database: Database, sources: list[int]
) -> None:
    store_namesakes(database, sources[0])
    with database.session() as session:
        index = load_index(session, [extract(NEWCOMER)], [], 8, OPTIONS)
        holders = {id(h): h for found in index.holders.values() for h in found}.values()
        customers = {h.customer for h in holders}
        assert len(customers) == 8
        assert all(h.features is None for h in holders)
        calls = record_fetches(index)
        decide(index)

    loaded = [h for h in holders if h.features is not None]
    assert sorted(i for call in calls for i in call) == sorted(h.record_id for h in loaded)
    assert len({h.customer for h in loaded}) == OPTIONS.max_candidates


def test_fetching_late_decides_as_fetching_everything(
    database: Database, sources: list[int]
) -> None:
    store_namesakes(database, sources[0])
    zed = ingest(database, sources[1], "z1", given_name="Zed", family_name="Okafor",
                 postal_code="94105", company_name="Acme")  # fmt: skip
    with database.session() as session:
        late = decide(load_index(session, [extract(NEWCOMER)], [], 9, OPTIONS))
        eager_index = load_index(session, [extract(NEWCOMER)], [], 9, OPTIONS)
        eager_index.load(h for found in eager_index.holders.values() for h in found)
        eager = decide(eager_index)

    assert [r.candidate.customer for r in late.reviews] == [zed.customer_id]  # found
    assert [r.candidate.customer for r in eager.reviews] == [zed.customer_id]
    assert (late.action, late.explanation) == (eager.action, eager.explanation)
    assert [r.explanation for r in late.reviews] == [r.explanation for r in eager.reviews]


def test_holders_of_an_email_are_fetched_with_the_index(
    database: Database, sources: list[int]
) -> None:
    store_namesakes(database, sources[0])
    with database.session() as session:
        index = load_index(session, [extract({"emails": ["ann@example.com"]})], [], 8, OPTIONS)
        index.fetch = None  # nothing may be fetched later
        holders = index.holders["email:ann@example.com"]
        assert [h.loaded.given for h in holders] == ["ann"]


def test_a_chunk_fetches_its_candidates_in_one_query_before_scoring(
    database: Database, sources: list[int]
) -> None:
    """Two newcomers of one block: one fetch up front, the same records scoring would
    fetch one by one, and nothing left to fetch while deciding."""
    store_namesakes(database, sources[0])
    other = {**NEWCOMER, "given_name": "Yul"}
    with database.session() as session:
        index = load_index(session, [extract(NEWCOMER), extract(other)], [], 8, OPTIONS)
        calls = record_fetches(index)
        prefetch_candidates([(extract(NEWCOMER), False), (extract(other), False)], index)
        assert len(calls) == 1
        assert len(calls[0]) == OPTIONS.max_candidates  # the scored customers, not all 8
        index.fetch = None  # scoring must find everything loaded
        decisions = [decide(index), resolve_new(index, other)]

    assert [d.action for d in decisions] == ["created", "created"]


def test_a_stored_record_being_updated_fetches_nothing_up_front(
    database: Database, sources: list[int]
) -> None:
    store_namesakes(database, sources[0])
    with database.session() as session:
        index = load_index(session, [extract(NEWCOMER)], [], 8, OPTIONS)
        index.fetch = None  # a fetch would fail
        prefetch_candidates([(extract(NEWCOMER), True)], index)
        holders = [h for found in index.holders.values() for h in found]
    assert holders
    assert all(h.features is None for h in holders)
