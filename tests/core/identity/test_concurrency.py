"""Real processes racing to resolve the same people: one customer each, whatever the timing.

Eight spawned processes (started once for the module, imports warmed) each open their
own Database from the URL per task, then wait at a barrier so that all of them
resolve at the same moment.
"""

from __future__ import annotations

import multiprocessing
import random
from collections.abc import Iterator
from multiprocessing.pool import Pool
from typing import Any

import pytest
from sqlalchemy import func, select

from core.db import Database
from core.identity import ingest_batch, ingest_customer
from core.identity.features import extract
from core.models import Customer, OutboxEvent, SourceRecord
from tests.core.identity.support import make_connectors

PROCESSES = 8
PEOPLE = 40
TIMEOUT = 120
PERSON = {
    "given_name": "Nnamdi",
    "family_name": "Okonkwo-Reyes",
    "emails": ["nnamdi.or@example.net"],
    "phones": ["+1 646 555 0199"],
}
_barrier: Any = None


def _start(barrier: Any) -> None:
    """Pool initializer: keep the barrier and load the normalizers' tables up front."""
    global _barrier  # noqa: PLW0603 - a worker process's own state
    _barrier = barrier
    extract(PERSON)


@pytest.fixture(scope="module")
def racers() -> Iterator[Pool]:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(PROCESSES)
    with context.Pool(PROCESSES, initializer=_start, initargs=(barrier,)) as pool:
        yield pool


def _race(pool: Pool, target: Any, args: list[tuple]) -> list[Any]:
    assert len(args) == PROCESSES  # every worker takes one task and waits for the others
    return pool.starmap_async(target, args, chunksize=1).get(TIMEOUT)


def _one_record(url: str, connector_id: int) -> tuple[str, int | None]:
    database = Database(url)
    database.ping()
    _barrier.wait(TIMEOUT)
    with database.session() as session:
        result = ingest_customer(
            session, connector_id=connector_id, external_id="p-1", raw=PERSON, mapped=PERSON
        )
    database.dispose()
    return result.action, result.customer_id


def _people() -> list[dict[str, Any]]:
    """People whose names share nothing, so only their own keys can link them."""
    syllables = ["ba", "ko", "mi", "tu", "re", "sa", "lo", "ne"]
    people = []
    for i in range(PEOPLE):
        family = "".join(syllables[(i >> shift) % 8] for shift in (0, 3, 6)) + "x"
        people.append({"given_name": "Q", "family_name": family, "emails": [f"p{i}@example.net"]})
    return people


def _batch(url: str, connector_id: int, seed: int) -> int:
    database = Database(url)
    database.ping()
    people = list(enumerate(_people()))
    random.Random(seed).shuffle(people)
    _barrier.wait(TIMEOUT)
    items = [(f"p{i}", person, person) for i, person in people]
    outcome = ingest_batch(database, connector_id, items, chunk_size=10)
    database.dispose()
    return len(outcome)


def test_eight_sources_sending_one_new_person_create_one_customer(
    database: Database, racers: Pool
) -> None:
    connectors = make_connectors(database, *["forms"] * PROCESSES)
    outcomes = _race(racers, _one_record, [(database.url, c) for c in connectors])
    assert len({customer_id for _, customer_id in outcomes}) == 1
    assert sorted(action for action, _ in outcomes) == ["created"] + ["linked"] * (PROCESSES - 1)
    with database.session() as session:
        assert session.scalar(select(func.count(Customer.id))) == 1
        assert session.scalar(select(func.count(SourceRecord.id))) == PROCESSES
        created = select(func.count(OutboxEvent.id)).where(OutboxEvent.type == "customer.created")
        assert session.scalar(created) == 1
        sequences = session.scalars(select(OutboxEvent.sequence).order_by(OutboxEvent.id)).all()
    assert sequences == sorted(set(sequences))  # one event per version, in order


def test_overlapping_batches_in_parallel_create_each_person_once(
    database: Database, racers: Pool
) -> None:
    connectors = make_connectors(database, *["csvimport"] * PROCESSES)
    counts = _race(racers, _batch, [(database.url, c, seed) for seed, c in enumerate(connectors)])
    assert counts == [PEOPLE] * PROCESSES
    with database.session() as session:
        active = select(func.count(Customer.id)).where(Customer.merged_into_id.is_(None))
        assert session.scalar(active) == PEOPLE
        per_customer = session.execute(
            select(SourceRecord.customer_id, func.count()).group_by(SourceRecord.customer_id)
        ).all()
    assert sorted(n for _, n in per_customer) == [PROCESSES] * PEOPLE
