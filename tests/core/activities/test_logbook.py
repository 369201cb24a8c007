"""Logging activities: once per (connector, external id), links added, one event."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from core.activities import (
    ActivityEntry,
    ActivityInput,
    activity_from_mapped,
    log_activities,
    log_activity,
)
from core.activities.inputs import InvalidActivity
from core.activities.logbook import insert_new
from core.db import Database
from core.models import (
    Activity,
    ActivityCustomer,
    ActivityRep,
    Connector,
    Customer,
    OutboxEvent,
    User,
)

WHEN = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def _setup(database: Database) -> tuple[int, int, int, int]:
    with database.session() as session:
        connector = Connector(kind="forms", name="Site")
        ann, bob = Customer(full_name="Ann Lee"), Customer(full_name="Bob Roe")
        rep = User(email="rep@example.com", name="Rep", role="rep", password_hash="x")
        session.add_all([connector, ann, bob, rep])
        session.flush()
        return connector.id, ann.id, bob.id, rep.id


def _note(connector_id: int | None, external_id: str = "form-1") -> ActivityInput:
    return ActivityInput(
        type="form",
        occurred_at=WHEN,
        external_id=external_id,
        connector_id=connector_id,
        direction="inbound",
        subject="Contact us",
        participants=({"email": "ann@example.com", "role": "from"},),
    )


def _count(database: Database, model: type) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_an_activity_is_logged_once_with_one_event(database: Database) -> None:
    connector_id, ann, _bob, rep = _setup(database)
    with database.session() as session:
        first = log_activity(session, _note(connector_id), customer_ids=[ann], rep_ids=[rep])
    with database.session() as session:
        again = log_activity(session, _note(connector_id), customer_ids=[ann], rep_ids=[rep])
    assert first.created
    assert not again.created
    assert first.activity_id == again.activity_id
    assert _count(database, Activity) == 1
    assert _count(database, ActivityCustomer) == 1
    assert _count(database, ActivityRep) == 1
    with database.session() as session:
        events = session.scalars(select(OutboxEvent)).all()
        assert [e.type for e in events] == ["activity.logged"]
        assert events[0].payload["customer_ids"] == [ann]
        assert events[0].payload["rep_ids"] == [rep]
        assert events[0].subject_id == first.activity_id


def test_a_repeat_adds_missing_links_without_a_second_activity(database: Database) -> None:
    connector_id, ann, bob, _rep = _setup(database)
    with database.session() as session:
        log_activity(session, _note(connector_id), customer_ids=[ann])
    with database.session() as session:
        log_activity(session, _note(connector_id), customer_ids=[ann, bob, bob])
    assert _count(database, Activity) == 1
    with database.session() as session:
        linked = session.scalars(select(ActivityCustomer.customer_id)).all()
    assert sorted(linked) == sorted([ann, bob])
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(OutboxEvent)) == 1


def test_manual_activities_without_a_connector_are_also_logged_once(database: Database) -> None:
    _connector_id, ann, _bob, _rep = _setup(database)
    for _ in range(2):
        with database.session() as session:
            log_activity(session, _note(None, "note-7"), customer_ids=[ann])
    assert _count(database, Activity) == 1


def test_the_same_external_id_from_two_connectors_is_two_activities(database: Database) -> None:
    connector_id, ann, _bob, _rep = _setup(database)
    with database.session() as session:
        other = Connector(kind="forms", name="Other")
        session.add(other)
        session.flush()
        other_id = other.id
    with database.session() as session:
        log_activity(session, _note(connector_id), customer_ids=[ann])
        log_activity(session, _note(other_id), customer_ids=[ann])
    assert _count(database, Activity) == 2


def test_mapped_values_and_their_json_form_convert_alike() -> None:
    mapped = {
        "type": "call",
        "occurred_at": "2026-05-01T12:00:00Z",
        "external_id": "c1",
        "duration_seconds": 42,
        "participants": [{"phone": "+14155550100", "role": "to"}],
    }
    from_json = activity_from_mapped(mapped, connector_id=3)
    from_values = activity_from_mapped({**mapped, "occurred_at": WHEN}, connector_id=3)
    assert from_json == from_values
    assert from_json.occurred_at == WHEN
    assert from_json.participants == ({"phone": "+14155550100", "role": "to"},)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"type": "fax"}, "Unknown activity type"),
        ({"external_id": ""}, "external id"),
        ({"occurred_at": None}, "time it occurred"),
    ],
)
def test_incomplete_activities_are_refused_clearly(changes: dict, message: str) -> None:
    base = {"type": "note", "occurred_at": WHEN, "external_id": "n1"}
    with pytest.raises(InvalidActivity, match=message):
        activity_from_mapped({**base, **changes}, connector_id=None)


def test_a_naive_mapped_time_is_read_as_utc() -> None:
    mapped = {"type": "note", "occurred_at": "2026-05-01T12:00:00", "external_id": "n1"}
    assert activity_from_mapped(mapped, connector_id=None).occurred_at == WHEN


def test_two_transactions_logging_one_unattached_activity_make_one(database: Database) -> None:
    """The second insert meets the first's row (partial unique index), not a duplicate."""
    _connector_id, ann, bob, _rep = _setup(database)
    with database.session() as session:
        first = log_activity(session, _note(None, "<m1@example.com>"), customer_ids=[ann])
        # The existence check cannot see a row another transaction has not committed;
        # an insert that meets the unique index must fall back to the stored row.
        item = _note(None, "<m1@example.com>")
        assert insert_new(session, [item]) == {}
        again = log_activity(session, item, customer_ids=[bob])
    assert first.created
    assert not again.created
    assert _count(database, Activity) == 1
    assert _count(database, ActivityCustomer) == 2


def test_many_activities_are_logged_in_one_call_each_once(database: Database) -> None:
    """New, existing and repeated keys in one call: one row and one event per activity."""
    connector_id, ann, bob, rep = _setup(database)
    with database.session() as session:
        log_activity(session, _note(connector_id, "old"), customer_ids=[ann])
    entries = [
        ActivityEntry(_note(connector_id, "old"), [bob]),  # exists: gains a link only
        ActivityEntry(_note(connector_id, "new"), [ann], [rep]),
        ActivityEntry(_note(None, "<m1@example.com>"), [ann, bob], [rep]),
        ActivityEntry(_note(None, "<m1@example.com>"), [bob], []),  # the same, repeated
        ActivityEntry(_note(connector_id, "<m1@example.com>"), []),  # another connector's key
    ]
    with database.session() as session:
        logged = log_activities(session, entries)
    assert [entry.created for entry in logged] == [False, True, True, False, True]
    assert logged[2].activity_id == logged[3].activity_id
    assert len({entry.activity_id for entry in logged}) == 4
    assert _count(database, Activity) == 4
    with database.session() as session:
        links = set(
            session.execute(select(ActivityCustomer.activity_id, ActivityCustomer.customer_id))
        )
        reps = set(session.execute(select(ActivityRep.activity_id, ActivityRep.user_id)))
        events = session.execute(
            select(OutboxEvent.subject_id, OutboxEvent.payload).where(
                OutboxEvent.type == "activity.logged"
            )
        ).all()
    old, new, mail, _repeat, other = (entry.activity_id for entry in logged)
    assert links == {(old, ann), (old, bob), (new, ann), (mail, ann), (mail, bob)}
    assert reps == {(new, rep), (mail, rep)}
    by_subject = dict(events)
    assert sorted(by_subject) == sorted([old, new, mail, other])
    assert by_subject[mail]["customer_ids"] == sorted([ann, bob])
    assert by_subject[other]["customer_ids"] == []


def test_logging_many_again_changes_nothing(database: Database) -> None:
    connector_id, ann, _bob, _rep = _setup(database)
    entries = [ActivityEntry(_note(connector_id, f"form-{n}"), [ann]) for n in range(3)]
    with database.session() as session:
        assert all(entry.created for entry in log_activities(session, entries))
    with database.session() as session:
        assert not any(entry.created for entry in log_activities(session, entries))
        assert log_activities(session, []) == []
    assert (_count(database, Activity), _count(database, ActivityCustomer)) == (3, 3)
    assert _count(database, OutboxEvent) == 3
