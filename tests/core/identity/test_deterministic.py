"""Deterministic links: external id, email and phone; shared keys; role addresses; conflicts."""

import pytest
from sqlalchemy import event, func, select

from core.db import Database
from core.identity import IdentityOptions, ingest_customer
from core.models import Customer, IdentityKey, OutboxEvent, SharedKey, SourceRecord
from tests.core.identity.support import (
    KATHERINE,
    active_customers,
    event_types,
    ingest,
    open_items,
)


def test_a_new_person_creates_a_customer(database: Database, sources: list[int]) -> None:
    result = ingest(database, sources[0], "c1", full_name="Ann Lee", emails=["ann@acme.com"])
    assert result.action == "created"
    assert result.explanation["rule"] == "new"
    with database.session() as session:
        record = session.get(SourceRecord, result.source_record_id)
        assert record.customer_id == result.customer_id
        assert record.link_rule == "new"
        assert record.linked_at is not None
    assert event_types(database) == ["customer.created"]


def test_same_email_from_another_tool_links(database: Database, sources: list[int]) -> None:
    first = ingest(database, sources[0], "c1", full_name="Ann Lee", emails=["ann.lee@gmail.com"])
    second = ingest(
        database, sources[1], "z9", full_name="Ann Lee", emails=["A.nn.Lee+crm@googlemail.com"]
    )
    assert second.action == "linked"
    assert second.customer_id == first.customer_id
    assert second.explanation == {"rule": "email", "keys": ["email:annlee@gmail.com"]}
    with database.session() as session:
        record = session.get(SourceRecord, second.source_record_id)
        assert (record.link_rule, record.link_explanation) == ("email", second.explanation)
    assert active_customers(database) == 1


def test_an_update_writes_the_customer_row_once(database: Database, sources: list[int]) -> None:
    """New golden values and the bumped version go in one UPDATE, and the event names
    the version the row has."""
    first = ingest(database, sources[0], "c1", full_name="Ann Lee", job_title="Engineer")
    updates: list[str] = []

    def watch(*args: object) -> None:
        if str(args[2]).startswith("UPDATE customers"):
            updates.append(str(args[2]))

    event.listen(database.engine, "before_cursor_execute", watch)
    ingest(database, sources[0], "c1", full_name="Ann Lee", job_title="CTO")
    event.remove(database.engine, "before_cursor_execute", watch)
    assert len(updates) == 1
    assert "golden=" in updates[0]
    assert "version=" in updates[0]
    with database.session() as session:
        customer = session.get(Customer, first.customer_id)
        sequences = session.scalars(
            select(OutboxEvent.sequence).where(OutboxEvent.type == "customer.updated")
        ).all()
        assert (customer.version, sequences) == (2, [2])


def test_same_phone_links_even_written_differently(database: Database, sources: list[int]) -> None:
    first = ingest(database, sources[0], "c1", full_name="Bo Chan", phones=["+1 415 555 0100"])
    second = ingest(
        database,
        sources[2],
        "f1",
        given_name="Bo",
        phones=["(415) 555-0100"],
        address={"country": "US"},
    )
    assert (second.action, second.customer_id) == ("linked", first.customer_id)
    assert second.explanation["rule"] == "phone"


def test_same_external_id_updates_its_record(database: Database, sources: list[int]) -> None:
    first = ingest(database, sources[0], "c1", full_name="Ann Lee", job_title="Engineer")
    second = ingest(database, sources[0], "c1", full_name="Ann Lee", job_title="CTO")
    assert second.action == "updated"
    assert (second.source_record_id, second.customer_id) == (
        first.source_record_id,
        first.customer_id,
    )
    with database.session() as session:
        assert session.scalar(select(func.count(SourceRecord.id))) == 1
        assert session.get(Customer, first.customer_id).golden["job_title"]["value"] == "CTO"
    assert event_types(database) == ["customer.created", "customer.updated"]


def test_reingesting_the_same_content_writes_nothing(
    database: Database, sources: list[int]
) -> None:
    first = ingest(database, sources[0], "c1", full_name="Ann Lee", emails=["ann@acme.com"])
    with database.session() as session:
        before = session.get(SourceRecord, first.source_record_id).updated_at
    again = ingest(database, sources[0], "c1", full_name="Ann Lee", emails=["ann@acme.com"])
    assert again.action == "unchanged"
    assert (again.source_record_id, again.customer_id) == (
        first.source_record_id,
        first.customer_id,
    )
    assert again.explanation == first.explanation
    with database.session() as session:
        assert session.get(SourceRecord, first.source_record_id).updated_at == before
        assert session.get(Customer, first.customer_id).version == 1
        assert session.scalar(select(func.count(OutboxEvent.id))) == 1


def test_a_shared_email_links_despite_a_slip_in_the_given_name(
    database: Database, sources: list[int]
) -> None:
    first = ingest(
        database, sources[0], "c1", full_name="KYLE LANGWORTH", emails=["kyle.l@nova.example"]
    )
    typo = ingest(
        database,
        sources[1],
        "z1",
        given_name="Kyue",
        family_name="Langworth",
        emails=["kyle.l@nova.example"],
    )
    assert (typo.action, typo.customer_id) == ("linked", first.customer_id)
    assert typo.explanation == {"rule": "email", "keys": ["email:kyle.l@nova.example"]}


def test_a_role_address_alone_never_links(database: Database, sources: list[int]) -> None:
    first = ingest(database, sources[0], "c1", full_name="Ann Lee", emails=["info@acme.com"])
    second = ingest(database, sources[1], "z1", full_name="Omar Haddad", emails=["info@acme.com"])
    assert second.action == "created"
    assert second.customer_id != first.customer_id
    with database.session() as session:
        kinds = set(
            session.scalars(select(IdentityKey.kind).where(IdentityKey.value.like("info@%")))
        )
    assert kinds == set()


def test_a_switchboard_number_is_demoted(database: Database, sources: list[int]) -> None:
    switchboard = "+1 212 555 0100"
    people = [("Alice", "Smith"), ("Bob", "Jones"), ("Carol", "White"), ("Dan", "Brown")]
    results = [
        ingest(database, sources[0], f"c{i}", given_name=g, family_name=f, phones=[switchboard])
        for i, (g, f) in enumerate(people)
    ]
    assert [r.action for r in results] == ["created"] * 4
    assert len({r.customer_id for r in results}) == 4
    with database.session() as session:
        shared = session.get(SharedKey, ("phone", "+12125550100"))
        assert shared is not None
        assert shared.people == 3
    late = ingest(database, sources[1], "z1", phones=[switchboard])
    assert late.action == "created"  # no name at all: the number alone identifies nobody


def test_a_shared_family_inbox_is_demoted(database: Database, sources: list[int]) -> None:
    inbox = "home@leefamily.example.org"
    anne = ingest(database, sources[0], "c1", given_name="Anne", family_name="Lee", emails=[inbox])
    annie = ingest(
        database, sources[1], "z1", given_name="Annie", family_name="Lee", emails=[inbox]
    )
    assert (annie.action, annie.customer_id) == ("linked", anne.customer_id)  # same person
    ben = ingest(database, sources[1], "z2", given_name="Ben", family_name="Lee", emails=[inbox])
    assert ben.customer_id != anne.customer_id
    cara = ingest(database, sources[2], "f1", given_name="Cara", family_name="Lee", emails=[inbox])
    assert cara.customer_id not in {anne.customer_id, ben.customer_id}
    with database.session() as session:
        assert session.get(SharedKey, ("email", inbox)) is not None


def test_demotion_threshold_is_an_option(database: Database, sources: list[int]) -> None:
    options = IdentityOptions(shared_key_people=2)
    ingest(
        database,
        sources[0],
        "c1",
        options,
        given_name="Ann",
        family_name="Lee",
        phones=["+12125550199"],
    )
    ingest(
        database,
        sources[0],
        "c2",
        options,
        given_name="Ben",
        family_name="Ng",
        phones=["+12125550199"],
    )
    with database.session() as session:
        assert session.get(SharedKey, ("phone", "+12125550199")).people == 2


def test_conflicting_keys_go_to_review_never_merge(database: Database, sources: list[int]) -> None:
    """Two Ann Lees born years apart: a record with one's email and the other's phone."""
    ann = ingest(
        database,
        sources[0],
        "c1",
        full_name="Ann Lee",
        emails=["ann@acme.com"],
        phones=["+14155550100"],
        birth_date="1980-02-01",
    )
    bea = ingest(
        database,
        sources[0],
        "c2",
        full_name="Ann Lee",
        emails=["ann@globex.com"],
        phones=["+14155550111"],
        birth_date="1992-07-15",
    )
    both = ingest(
        database,
        sources[1],
        "z1",
        full_name="Ann Lee",
        emails=["ann@acme.com"],
        phones=["+14155550111"],
    )
    assert both.action == "review"
    assert both.customer_id == ann.customer_id  # the email is the stronger key
    assert both.explanation["conflicts"] == [["phone:+14155550111"]]
    assert active_customers(database) == 2
    [item] = open_items(database)
    assert (item.reason, item.source_record_id) == ("key_conflict", both.source_record_id)
    assert item.candidate_record_id == bea.source_record_id
    with database.session() as session:
        assert session.get(Customer, bea.customer_id).merged_into_id is None
        assert session.get(Customer, ann.customer_id).merged_into_id is None


def test_a_changed_record_whose_keys_now_conflict_stays_put_and_is_reviewed(
    database: Database, sources: list[int]
) -> None:
    born = {"full_name": "Ann Lee", "birth_date": "1980-02-01"}
    ann = ingest(database, sources[0], "c1", emails=["ann@acme.com"], **born)
    ingest(
        database,
        sources[0],
        "c2",
        full_name="Ann Lee",
        emails=["ann@globex.com"],
        birth_date="1992-07-15",
    )
    changed = ingest(database, sources[0], "c1", emails=["ann@acme.com", "ann@globex.com"], **born)
    assert (changed.action, changed.customer_id) == ("review", ann.customer_id)
    assert len(open_items(database)) == 1
    again = ingest(database, sources[0], "c1", emails=["ann@globex.com", "ann@acme.com"], **born)
    assert again.action == "review"
    assert len(open_items(database)) == 1  # the same question is not queued twice


def test_a_changed_record_that_bridges_two_customers_of_one_person_merges_them(
    database: Database, sources: list[int]
) -> None:
    ann = ingest(database, sources[0], "c1", full_name="Ann Lee", emails=["ann@acme.com"])
    other = ingest(database, sources[0], "c2", full_name="Ann Lee", emails=["ann@globex.com"])
    changed = ingest(
        database, sources[0], "c1", full_name="Ann Lee", emails=["ann@acme.com", "ann@globex.com"]
    )
    assert (changed.action, changed.customer_id) == ("updated", ann.customer_id)
    assert changed.explanation["merged"] == [
        {"customer_id": other.customer_id, "keys": ["email:ann@globex.com"]}
    ]
    assert active_customers(database) == 1
    assert open_items(database) == []


def test_a_failed_transaction_leaves_no_customer_and_no_event(
    database: Database, sources: list[int]
) -> None:
    with pytest.raises(RuntimeError, match="caller failed"):
        _ingest_then_fail(database, sources[0])
    with database.session() as session:
        assert session.scalar(select(func.count(Customer.id))) == 0
        assert session.scalar(select(func.count(SourceRecord.id))) == 0
        assert session.scalar(select(func.count(OutboxEvent.id))) == 0


def _ingest_then_fail(database: Database, connector_id: int) -> None:
    with database.session() as session:
        mapped = {"full_name": "Ann Lee", "emails": ["ann@acme.com"]}
        result = ingest_customer(
            session, connector_id=connector_id, external_id="c1", raw=mapped, mapped=mapped
        )
        assert result.action == "created"
        raise RuntimeError("caller failed after the ingest")


def test_several_records_in_one_caller_transaction(database: Database, sources: list[int]) -> None:
    with database.session() as session:
        results = [
            ingest_customer(
                session,
                connector_id=sources[i],
                external_id=f"x{i}",
                raw={},
                mapped={"full_name": "Ann Lee", "emails": ["ann@acme.com"], "job_title": title},
            )
            for i, title in enumerate(["Engineer", "CTO"])
        ]
    assert [r.action for r in results] == ["created", "linked"]
    assert results[0].customer_id == results[1].customer_id
    with database.session() as session:
        customer = session.get(Customer, results[0].customer_id)
        assert (customer.version, customer.golden["job_title"]["value"]) == (2, "CTO")
    assert event_types(database) == ["customer.created", "customer.updated"]


def test_a_record_linked_by_phone_asks_about_a_customer_with_its_name_and_workplace(
    database: Database, sources: list[int]
) -> None:
    at_acme = ingest(database, sources[0], "c1", **KATHERINE)
    namesake = ingest(
        database,
        sources[0],
        "c2",
        given_name="Katherine",
        family_name="Johnson",
        address={"city": "San Francisco", "country": "US"},
    )
    mobile = ingest(
        database,
        sources[1],
        "m1",
        given_name="Kathy",
        family_name="Johnson",
        phones=["+14155550100"],
    )
    assert len({at_acme.customer_id, namesake.customer_id, mobile.customer_id}) == 3
    before = {(i.source_record_id, i.candidate_record_id) for i in open_items(database)}
    both = ingest(
        database,
        sources[2],
        "s1",
        given_name="Katherine",
        family_name="Johnson",
        phones=["(415) 555-0100"],
        company_name="ACME Inc.",
        address={"postal_code": "94105", "city": "San Francisco", "country": "US"},
    )
    assert (both.action, both.customer_id) == ("review", mobile.customer_id)
    assert both.explanation == {"rule": "phone", "keys": ["phone:+14155550100"]}
    [item] = [i for i in open_items(database) if i.source_record_id == both.source_record_id]
    assert (item.reason, item.candidate_record_id) == ("probable_match", at_acme.source_record_id)
    assert item.explanation["linked_by"] == ["phone:+14155550100"]
    assert item.explanation["fields"]["company"]["level"] == "exact"
    assert item.score >= item.explanation["thresholds"]["review"]
    # the namesake shares only the name (a score in review range too): not asked about
    assert {(i.source_record_id, i.candidate_record_id) for i in open_items(database)} == {
        *before,
        (item.source_record_id, item.candidate_record_id),
    }
    assert active_customers(database) == 3  # a score never merges two customers
