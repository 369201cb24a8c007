"""Rebuild: everything re-resolved after a rule change, people's decisions kept."""

from sqlalchemy import select

from core.db import Database
from core.identity import IdentityOptions, merge_customers, rebuild, split_source_record
from core.models import Customer, OutboxEvent, SourceRecord
from tests.core.identity.support import active_customers, ingest, open_items

KATHERINE = {"given_name": "Katherine", "family_name": "Thistlewood", "company_name": "Acme"}
KATHY = {"given_name": "Kathy", "family_name": "Thistlewood", "company_name": "Acme Inc"}


def test_a_lower_threshold_regroups_and_reports_progress(
    database: Database, sources: list[int]
) -> None:
    first = ingest(database, sources[0], "c1", **KATHERINE)
    second = ingest(database, sources[1], "z1", **KATHY)
    ingest(database, sources[2], "f1", full_name="Ola Nordmann", emails=["ola@nordmann.example"])
    assert second.action == "review"
    calls: list[tuple[int, int]] = []
    lenient = IdentityOptions(auto_link_threshold=12.0, review_threshold=8.0)
    stats = rebuild(
        database,
        progress=lambda done, total: calls.append((done, total)),
        options=lenient,
        chunk_size=2,
    )
    assert calls == [(0, 3), (2, 3), (3, 3)]
    assert (stats.records, stats.customers_before, stats.customers_after) == (3, 3, 2)
    assert (stats.created, stats.retired, stats.reviews) == (0, 1, 0)
    with database.session() as session:
        record = session.get(SourceRecord, second.source_record_id)
        assert record.customer_id == first.customer_id  # the older customer keeps its id
        assert record.link_rule == "probabilistic"
        assert session.get(Customer, second.customer_id).merged_into_id == first.customer_id
        merged = session.scalars(
            select(OutboxEvent).where(OutboxEvent.type == "customer.merged")
        ).one()
        assert merged.payload["merged_ids"] == [second.customer_id]
    assert open_items(database) == []


def test_rebuild_without_a_rule_change_changes_nothing(
    database: Database, sources: list[int]
) -> None:
    ingest(database, sources[0], "c1", **KATHERINE)
    ingest(database, sources[1], "z1", **KATHY)
    ingest(database, sources[2], "f1", full_name="Ola Nordmann", emails=["ola@nordmann.example"])
    with database.session() as session:
        before = {c.id: (c.golden, c.version) for c in session.scalars(select(Customer))}
        events = len(session.scalars(select(OutboxEvent.id)).all())
    stats = rebuild(database)
    assert (stats.customers_before, stats.customers_after, stats.retired, stats.reviews) == (
        3,
        3,
        0,
        1,
    )
    with database.session() as session:
        assert {c.id: (c.golden, c.version) for c in session.scalars(select(Customer))} == before
        assert len(session.scalars(select(OutboxEvent.id)).all()) == events
    assert len(open_items(database)) == 1  # the open question is asked again, once


def test_manual_merges_and_splits_survive_a_rebuild(database: Database, sources: list[int]) -> None:
    ann = ingest(database, sources[0], "c1", full_name="Ann Lee", emails=["ann@acme.com"])
    twin = ingest(database, sources[1], "z1", full_name="Ann Lee", emails=["ann@acme.com"])
    other = ingest(database, sources[2], "f1", full_name="Bea Stone", emails=["bea@stone.example"])
    with database.session() as session:
        split = split_source_record(session, twin.source_record_id, actor="admin").id
        merge_customers(session, ann.customer_id, other.customer_id, actor="admin")
    rebuild(database)
    with database.session() as session:
        owners = dict(session.execute(select(SourceRecord.id, SourceRecord.customer_id)).all())
    assert owners[ann.source_record_id] == owners[other.source_record_id] == ann.customer_id
    assert owners[twin.source_record_id] == split
    assert active_customers(database) == 2
