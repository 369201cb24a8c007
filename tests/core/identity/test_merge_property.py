"""Property: a merge followed by its unmerge gives back exactly the records' grouping and
golden values that existed before."""

import hashlib
from itertools import count
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from core.db import Database
from core.identity import ingest_batch, merge_customers, unmerge_customer
from core.models import Customer, SourceRecord
from core.records import pin_field

EXAMPLE = count()
RECORD = st.fixed_dictionaries(
    {"source": st.integers(0, 2)},
    optional={
        "job_title": st.sampled_from(["CTO", "Engineer", "Buyer"]),
        "phone": st.sampled_from(["+1 415 555 01", "+44 20 7946 09"]),
        "city": st.sampled_from(["Paris", "Lyon"]),
        "tags": st.lists(st.sampled_from(["vip", "trial", "churn-risk"]), max_size=2),
    },
)
PERSON = st.tuples(
    st.sampled_from(["Ann", "Bob", "Chidi", "Dana"]), st.lists(RECORD, min_size=1, max_size=3)
)


def unlike_word(*seed: int) -> str:
    """A made-up word that no other seed's word resembles, so people never match by chance."""
    digest = hashlib.sha256(repr(seed).encode()).digest()
    return "".join("bcdfghjklmnpqrstvwxz"[b % 20] + "aeiou"[b % 5] for b in digest[:5]).capitalize()


def mapped_record(
    person: int, given_name: str, example: int, record: dict[str, Any]
) -> dict[str, Any]:
    family = unlike_word(example, person)
    mapped: dict[str, Any] = {
        "given_name": given_name,
        "family_name": family,
        "emails": [f"{given_name.lower()}@{family.lower()}.example"],
    }
    if "job_title" in record:
        mapped["job_title"] = record["job_title"]
    if "phone" in record:
        mapped["phones"] = [f"{record['phone']}{person:02d}"]
    if "city" in record:
        mapped["address"] = {"city": record["city"]}
    if record.get("tags"):
        mapped["tags"] = record["tags"]
    return mapped


def snapshot(database: Database, record_ids: list[int]) -> dict[frozenset[int], dict[str, Any]]:
    """Each group of records, with its customer's golden values and their sources."""
    with database.session() as session:
        rows = session.execute(
            select(SourceRecord.id, SourceRecord.customer_id).where(SourceRecord.id.in_(record_ids))
        ).all()
        groups: dict[int, set[int]] = {}
        for record_id, customer_id in rows:
            groups.setdefault(customer_id, set()).add(record_id)
        result = {}
        for customer_id, members in groups.items():
            customer = session.get(Customer, customer_id)
            assert customer.merged_into_id is None
            golden = {k: (v["value"], v["source_record_id"]) for k, v in customer.golden.items()}
            result[frozenset(members)] = golden
        return result


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    people=st.lists(PERSON, min_size=2, max_size=4),
    winner=st.integers(0, 3),
    loser=st.integers(0, 3),
    pin_loser=st.booleans(),
)
def test_merge_then_unmerge_restores_the_original_records(
    database: Database, sources: list[int], people: list, winner: int, loser: int, pin_loser: bool
) -> None:
    assume(winner % len(people) != loser % len(people))
    example = next(EXAMPLE)
    batches: dict[int, list] = {}
    for person, (given_name, records) in enumerate(people):
        for index, record in enumerate(records):
            mapped = mapped_record(person, given_name, example, record)
            item = (f"e{example}p{person}r{index}", {}, mapped)
            batches.setdefault(record["source"], []).append((person, item))
    customers: dict[int, int] = {}
    record_ids = []
    for source, entries in sorted(batches.items()):
        results = ingest_batch(database, sources[source], [item for _, item in entries])
        for (person, _), result in zip(entries, results, strict=True):
            assert customers.setdefault(person, result.customer_id) == result.customer_id
            record_ids.append(result.source_record_id)
    assert len(set(customers.values())) == len(people)
    winner_id, loser_id = customers[winner % len(people)], customers[loser % len(people)]
    if pin_loser:
        with database.session() as session:
            pin_field(session, loser_id, "job_title", "Pinned title", actor="admin")
    before = snapshot(database, record_ids)
    with database.session() as session:
        merge_customers(session, winner_id, loser_id, actor="admin")
    assert len(snapshot(database, record_ids)) == len(people) - 1
    with database.session() as session:
        unmerge_customer(session, loser_id, actor="admin")
    assert snapshot(database, record_ids) == before
