"""Manual merge, its undo, and splitting a record out; activities follow their records."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from core.db import Database
from core.identity import (
    CustomerNotFound,
    IdentityError,
    NotMerged,
    SourceRecordNotFound,
    merge_customers,
    split_source_record,
    unmerge_customer,
)
from core.models import (
    Activity,
    ActivityCustomer,
    Customer,
    CustomerMerge,
    NonMatch,
    OutboxEvent,
    SourceRecord,
)
from core.records import pin_field
from tests.core.identity.support import active_customers, golden_values, ingest


def two_people(database: Database, sources: list[int]) -> tuple:
    ann = ingest(
        database, sources[0], "c1", full_name="Ann Lee", emails=["ann@acme.com"], job_title="CTO"
    )
    anne = ingest(
        database,
        sources[1],
        "z1",
        full_name="Anne Li",
        emails=["anne.li@gmail.com"],
        phones=["+14155550100"],
    )
    return ann, anne


def add_activity(
    database: Database, connector_id: int, external_id: str, links: list[tuple[int, int | None]]
) -> int:
    """An activity linked to (customer, through source record) pairs."""
    with database.session() as session:
        activity = Activity(
            connector_id=connector_id,
            external_id=external_id,
            type="email",
            occurred_at=datetime.now(UTC),
        )
        session.add(activity)
        session.flush()
        session.add_all(
            ActivityCustomer(activity_id=activity.id, customer_id=c, source_record_id=r)
            for c, r in links
        )
        return activity.id


def activity_owners(database: Database, activity_id: int) -> set[int]:
    with database.session() as session:
        query = select(ActivityCustomer.customer_id).where(
            ActivityCustomer.activity_id == activity_id
        )
        return set(session.scalars(query))


def test_merge_moves_everything_to_the_winner(database: Database, sources: list[int]) -> None:
    ann, anne = two_people(database, sources)
    mail = add_activity(database, sources[0], "m1", [(anne.customer_id, anne.source_record_id)])
    with database.session() as session:
        winner = merge_customers(session, ann.customer_id, anne.customer_id, actor="admin@x.com")
        assert winner.id == ann.customer_id
    with database.session() as session:
        loser = session.get(Customer, anne.customer_id)
        assert loser.merged_into_id == ann.customer_id
        assert session.get(SourceRecord, anne.source_record_id).customer_id == ann.customer_id
        history = session.scalars(select(CustomerMerge)).one()
        assert (history.winner_id, history.loser_id, history.actor) == (
            ann.customer_id,
            anne.customer_id,
            "admin@x.com",
        )
        event = session.scalars(
            select(OutboxEvent).where(OutboxEvent.type == "customer.merged")
        ).one()
        assert event.subject_id == ann.customer_id
        assert event.sequence == session.get(Customer, ann.customer_id).version == 2
        assert event.payload["merged_ids"] == [anne.customer_id]
    assert activity_owners(database, mail) == {ann.customer_id}
    assert golden_values(database, ann.customer_id)["phones"] == ["+14155550100"]
    assert active_customers(database) == 1
    later = ingest(database, sources[2], "f1", phones=["+1 415 555 0100"], given_name="Anne")
    assert later.customer_id == ann.customer_id  # the loser's keys now point at the winner


def test_merge_refuses_what_makes_no_sense(database: Database, sources: list[int]) -> None:
    ann, anne = two_people(database, sources)
    with database.session() as session:
        with pytest.raises(IdentityError, match="cannot be merged into itself"):
            merge_customers(session, ann.customer_id, ann.customer_id, actor="admin")
        with pytest.raises(CustomerNotFound, match="customer 404 does not exist"):
            merge_customers(session, ann.customer_id, 404, actor="admin")
        merge_customers(session, ann.customer_id, anne.customer_id, actor="admin")
    already = f"customer {anne.customer_id} was already merged"
    with database.session() as session, pytest.raises(IdentityError, match=already):
        merge_customers(session, anne.customer_id, ann.customer_id, actor="admin")


def test_unmerge_restores_the_loser_with_its_activities(
    database: Database, sources: list[int]
) -> None:
    ann, anne = two_people(database, sources)
    before = (golden_values(database, ann.customer_id), golden_values(database, anne.customer_id))
    own = add_activity(database, sources[0], "m1", [(anne.customer_id, anne.source_record_id)])
    both = add_activity(
        database, sources[0], "m2", [(ann.customer_id, None), (anne.customer_id, None)]
    )
    with database.session() as session:
        pin_field(session, anne.customer_id, "job_title", "Advisor", actor="admin")
        merge_customers(session, ann.customer_id, anne.customer_id, actor="admin")
    assert activity_owners(database, both) == {ann.customer_id}
    with database.session() as session:
        restored = unmerge_customer(session, anne.customer_id, actor="admin")
        assert restored.merged_into_id is None
    assert activity_owners(database, own) == {anne.customer_id}
    assert activity_owners(database, both) == {ann.customer_id, anne.customer_id}
    assert golden_values(database, ann.customer_id) == before[0]
    assert golden_values(database, anne.customer_id) == {**before[1], "job_title": "Advisor"}
    with database.session() as session:
        assert session.scalars(select(CustomerMerge)).one().undone_by == "admin"
        last_two = session.scalars(select(OutboxEvent).order_by(OutboxEvent.id.desc()).limit(2))
        assert {(e.type, e.subject_id) for e in last_two} == {
            ("customer.split", anne.customer_id),
            ("customer.updated", ann.customer_id),
        }
    with database.session() as session, pytest.raises(NotMerged, match="was never merged"):
        unmerge_customer(session, anne.customer_id, actor="admin")


def test_unmerge_of_a_customer_never_merged(database: Database, sources: list[int]) -> None:
    ann, _ = two_people(database, sources)
    with database.session() as session:
        with pytest.raises(NotMerged, match=f"customer {ann.customer_id} was never merged"):
            unmerge_customer(session, ann.customer_id, actor="admin")
        with pytest.raises(CustomerNotFound):
            unmerge_customer(session, 9999, actor="admin")


def test_split_takes_a_record_and_its_activities_out(
    database: Database, sources: list[int]
) -> None:
    ann = ingest(
        database, sources[0], "c1", full_name="Ann Lee", emails=["ann@acme.com"], job_title="CTO"
    )
    twin = ingest(
        database,
        sources[1],
        "z1",
        full_name="Ann Lee",
        emails=["ann@acme.com"],
        phones=["+14155550100"],
    )
    assert twin.customer_id == ann.customer_id
    call = add_activity(database, sources[1], "call-1", [(ann.customer_id, twin.source_record_id)])
    note = add_activity(database, sources[0], "note-1", [(ann.customer_id, ann.source_record_id)])
    with database.session() as session:
        new = split_source_record(session, twin.source_record_id, actor="admin@x.com")
        new_id = new.id
    assert new_id != ann.customer_id
    assert activity_owners(database, call) == {new_id}
    assert activity_owners(database, note) == {ann.customer_id}
    assert golden_values(database, new_id)["phones"] == ["+14155550100"]
    assert "phones" not in golden_values(database, ann.customer_id)
    with database.session() as session:
        record = session.get(SourceRecord, twin.source_record_id)
        assert (record.customer_id, record.link_rule) == (new_id, "split")
        assert record.link_explanation == {
            "rule": "split",
            "from_customer_id": ann.customer_id,
            "actor": "admin@x.com",
        }
        assert session.scalars(select(NonMatch)).one().record_b_id == twin.source_record_id
        types = session.scalars(
            select(OutboxEvent.type).where(OutboxEvent.subject_id == new_id)
        ).all()
        assert types == ["customer.split"]
    again = ingest(
        database, sources[1], "z1", full_name="Ann Lee", emails=["ann@acme.com"], job_title="CEO"
    )
    assert (again.action, again.customer_id) == ("updated", new_id)


def test_split_of_a_record_that_is_alone(database: Database, sources: list[int]) -> None:
    ann = ingest(database, sources[0], "c1", full_name="Ann Lee")
    with database.session() as session:
        with pytest.raises(NotMerged, match=f"only record of customer {ann.customer_id}"):
            split_source_record(session, ann.source_record_id, actor="admin")
        with pytest.raises(SourceRecordNotFound, match="source record 777 does not exist"):
            split_source_record(session, 777, actor="admin")
