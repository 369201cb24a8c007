"""Batches: results in input order, repeats handled in order, unchanged records skipped."""

from datetime import date

from sqlalchemy import func, select

from core.db import Database
from core.identity import ingest_batch
from core.models import Customer, OutboxEvent, SourceRecord


def person(i: int, **extra) -> dict:
    names = ["Amaru", "Bertil", "Cosima", "Dagny", "Eluned", "Fionn", "Gaspard"]
    return {
        "given_name": names[i],
        "family_name": f"{names[i]}son",
        "emails": [f"p{i}@ex.org"],
        **extra,
    }


def test_results_follow_the_input_across_chunks(database: Database, sources: list[int]) -> None:
    items = [(f"r{i}", {"row": i}, person(i)) for i in range(5)]
    results = ingest_batch(database, sources[0], items, chunk_size=2)
    assert [r.action for r in results] == ["created"] * 5
    with database.session() as session:
        ids = dict(session.execute(select(SourceRecord.external_id, SourceRecord.id)).all())
        assert session.scalar(select(func.count(Customer.id))) == 5
    assert [r.source_record_id for r in results] == [ids[f"r{i}"] for i in range(5)]
    again = ingest_batch(database, sources[0], items, chunk_size=2)
    assert [r.action for r in again] == ["unchanged"] * 5
    assert [r.customer_id for r in again] == [r.customer_id for r in results]


def test_the_same_record_twice_in_one_batch(database: Database, sources: list[int]) -> None:
    items = [
        ("r1", {}, person(1, job_title="Engineer")),
        ("r2", {}, person(2)),
        ("r1", {}, person(1, job_title="CTO")),
        ("r1", {}, person(1, job_title="CTO")),
    ]
    results = ingest_batch(database, sources[0], items)
    assert [r.action for r in results] == ["created", "created", "updated", "unchanged"]
    assert results[0].source_record_id == results[2].source_record_id == results[3].source_record_id
    with database.session() as session:
        customer = session.get(Customer, results[0].customer_id)
        assert customer.golden["job_title"]["value"] == "CTO"
        types = session.scalars(
            select(OutboxEvent.type).where(OutboxEvent.subject_id == customer.id)
        ).all()
    assert types == ["customer.created", "customer.updated"]


def test_dates_are_stored_as_json_text(database: Database, sources: list[int]) -> None:
    [result] = ingest_batch(
        database,
        sources[0],
        [("r1", {"born": date(1980, 2, 3)}, person(3, birth_date=date(1980, 2, 3)))],
    )
    with database.session() as session:
        record = session.get(SourceRecord, result.source_record_id)
        assert record.mapped["birth_date"] == "1980-02-03"
        assert record.raw["born"] == "1980-02-03"
        assert (
            session.get(Customer, result.customer_id).golden["birth_date"]["value"] == "1980-02-03"
        )


def test_an_empty_batch(database: Database, sources: list[int]) -> None:
    assert ingest_batch(database, sources[0], []) == []
