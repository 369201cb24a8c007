"""The outbox writer: unique, time-ordered ids, and events that live or die with the change."""

import re

import pytest
from sqlalchemy import func, select

from core.db import Database
from core.models import Customer, OutboxEvent
from core.outbox import new_event_id, ulid, write_event

ULID = re.compile(r"[0-9A-HJKMNP-TV-Z]{26}")


def test_event_ids_are_prefixed_ulids_and_unique() -> None:
    ids = {new_event_id() for _ in range(2000)}
    assert len(ids) == 2000
    assert all(i.startswith("msg_") and ULID.fullmatch(i[4:]) for i in ids)


def test_ulids_sort_by_time() -> None:
    earlier, later = ulid(now_ms=1_700_000_000_000), ulid(now_ms=1_700_000_000_001)
    assert earlier < later
    assert ulid(now_ms=0).startswith("0000000000")


def test_an_event_is_committed_with_its_change(database: Database) -> None:
    with database.session() as session:
        customer = Customer(full_name="Ann Lee")
        session.add(customer)
        session.flush()
        write_event(
            session,
            "customer.created",
            subject_type="customer",
            subject_id=customer.id,
            sequence=1,
            payload={"id": customer.id},
        )
    with database.session() as session:
        event = session.scalars(select(OutboxEvent)).one()
        assert (event.type, event.subject_type, event.sequence) == (
            "customer.created",
            "customer",
            1,
        )
        assert event.subject_id == event.payload["id"]
        assert event.dispatched_at is None


def _change_that_fails(database: Database) -> None:
    with database.session() as session:
        customer = Customer(full_name="Ann Lee")
        session.add(customer)
        session.flush()
        write_event(
            session,
            "customer.created",
            subject_type="customer",
            subject_id=customer.id,
            sequence=1,
            payload={},
        )
        session.flush()
        raise RuntimeError("the change failed after the event was written")


def test_a_rolled_back_change_leaves_no_event(database: Database) -> None:
    with pytest.raises(RuntimeError, match="the change failed"):
        _change_that_fails(database)
    with database.session() as session:
        assert session.scalar(select(func.count(OutboxEvent.id))) == 0
        assert session.scalar(select(func.count(Customer.id))) == 0
