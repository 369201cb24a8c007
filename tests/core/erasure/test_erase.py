"""Erasing a merged customer leaves no trace, keeps everyone else, and stays erased."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from connectors.csvimport import import_csv
from core.db import Database
from core.erasure import ERASED_EVENT, ErasureRefused, erase_customer
from core.identity import CustomerNotFound
from core.models import (
    Activity,
    ActivityCustomer,
    AppSetting,
    AuditEntry,
    Customer,
    InboundEvent,
    OutboxEvent,
    Suppression,
)
from tests.core.erasure import world
from tests.core.erasure.dumps import dump, hits

HEX64 = re.compile(r"[0-9a-f]{64}")


@pytest.fixture
def canary_world(database: Database, tmp_path: Path) -> world.World:
    return world.build(database, tmp_path)


def _erase(database: Database, customer_id: int) -> dict:
    with database.session() as session:
        return erase_customer(session, customer_id, actor="admin@example.com")


def _count(database: Database, model: type) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_the_world_quotes_the_canary_before_erasure(
    database: Database, canary_world: world.World
) -> None:
    """The dump check below is only worth something if the canary was there to find."""
    found = hits(dump(database), world.CANARIES)
    assert all(found.values()), {k: v for k, v in found.items() if not v}


def test_erasure_leaves_no_trace_in_a_database_dump(
    database: Database, canary_world: world.World
) -> None:
    summary = _erase(database, canary_world.canary)
    text = dump(database)
    assert hits(text, world.CANARIES) == dict.fromkeys(world.CANARIES, 0)
    assert all(hits(text, [world.OTTO_EMAIL, world.OTTO_NAME, world.OTTO_ID]).values())
    assert summary["customer_ids"] == sorted([canary_world.canary, canary_world.merged])
    assert summary["source_records"] == 3
    assert summary["activities_deleted"] == 2
    assert summary["inbound_events_deleted"] == 2
    assert summary["suppressions"] >= 5  # 2 emails, 1 phone, 3 (connector, external id)


def test_the_other_customer_keeps_its_data_and_the_shared_activity(
    database: Database, canary_world: world.World
) -> None:
    _erase(database, canary_world.canary)
    with database.session() as session:
        otto = session.get(Customer, canary_world.otto)
        assert otto is not None
        assert otto.primary_email == world.OTTO_EMAIL
        assert session.get(Customer, canary_world.canary) is None
        assert session.get(Customer, canary_world.merged) is None
        shared = session.get(Activity, canary_world.shared_activity)
        assert shared is not None
        assert shared.participants == [
            {"email": world.OTTO_EMAIL, "name": world.OTTO_NAME, "role": "to"}
        ]
        assert shared.subject == "Re: [erased] and Otto, the contract"
        assert shared.summary == "[erased] wrote to Otto about the contract."
        links = session.scalars(
            select(ActivityCustomer.customer_id).where(
                ActivityCustomer.activity_id == canary_world.shared_activity
            )
        ).all()
        assert links == [canary_world.otto]
        assert session.get(InboundEvent, canary_world.otto_inbound) is not None
        otto_audit = session.scalars(
            select(AuditEntry.details).where(AuditEntry.target == f"customer {canary_world.otto}")
        ).one()
        assert otto_audit == {"field": "job_title", "value": "Otto's title"}


def test_facts_stay_while_their_personal_details_go(
    database: Database, canary_world: world.World
) -> None:
    _erase(database, canary_world.canary)
    with database.session() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.target == f"customer {canary_world.canary}")
        ).one()
        assert (entry.action, entry.actor) == ("customer.field_pinned", "admin@example.com")
        assert entry.details == {"erased": True}
        note = session.scalars(select(AuditEntry).where(AuditEntry.target == "import 7")).one()
        assert note.details == {"file": "people.csv", "comment": "asked by [erased]"}
        about = session.scalars(
            select(OutboxEvent).where(
                OutboxEvent.subject_type == "customer",
                OutboxEvent.subject_id == canary_world.canary,
                OutboxEvent.type != ERASED_EVENT,
            )
        ).all()
        assert about, "the canary's earlier events are kept"
        for event in about:
            assert event.payload["erased"] is True
            assert set(event.payload) <= {"id", "version", "merged_ids", "erased"}


def test_customer_erased_is_published_with_ids_only(
    database: Database, canary_world: world.World
) -> None:
    summary = _erase(database, canary_world.canary)
    with database.session() as session:
        event = session.scalars(select(OutboxEvent).where(OutboxEvent.type == ERASED_EVENT)).one()
        assert event.event_id == summary["event_id"]
        assert (event.subject_type, event.subject_id) == ("customer", canary_world.canary)
        assert event.payload == {
            "id": canary_world.canary,
            "customer_ids": sorted([canary_world.canary, canary_world.merged]),
        }


def test_suppressions_hold_only_keyed_hashes(database: Database, canary_world: world.World) -> None:
    _erase(database, canary_world.canary)
    with database.session() as session:
        rows = session.execute(select(Suppression.kind, Suppression.key_hash)).all()
        key = session.get(AppSetting, "privacy.suppression_key")
    assert {kind for kind, _ in rows} == {"email", "phone", "external"}
    assert all(HEX64.fullmatch(digest) for _, digest in rows)
    assert key is not None
    assert len(rows) == len({digest for _, digest in rows})


def test_reimporting_the_same_csv_brings_nobody_back(
    database: Database, canary_world: world.World, tmp_path: Path
) -> None:
    _erase(database, canary_world.canary)
    customers = _count(database, Customer)
    report = import_csv(database, canary_world.csv_path)
    assert report.actions["suppressed"] == 1
    assert report.actions["unchanged"] == 1  # Otto
    assert report.imported == 1
    assert report.to_dict()["suppressed"] == 1
    assert _count(database, Customer) == customers
    newcomer = tmp_path / "newcomer.csv"
    newcomer.write_text(
        "given_name,family_name,email\nNina,Newperson,nina@new.example\n", encoding="utf-8"
    )
    assert import_csv(database, newcomer).actions["created"] == 1
    assert _count(database, Customer) == customers + 1


def test_the_canary_stays_erased_under_another_connector(
    database: Database, canary_world: world.World
) -> None:
    """A new record elsewhere with only the erased phone is suppressed too."""
    _erase(database, canary_world.canary)
    with database.session() as session:
        result = world.ingest(session, canary_world.forms, "new-form", phones=["+4915123456789"])
    assert (result.action, result.customer_id, result.source_record_id) == (
        "suppressed",
        None,
        None,
    )
    assert hits(dump(database), ["15123456789"]) == {"15123456789": 0}


def test_an_unknown_customer_cannot_be_erased(database: Database) -> None:
    with pytest.raises(CustomerNotFound), database.session() as session:
        erase_customer(session, 4242, actor="admin@example.com")
    assert _count(database, Suppression) == 0


def test_a_merged_away_customer_is_refused_and_names_the_survivor(
    database: Database, canary_world: world.World
) -> None:
    with pytest.raises(ErasureRefused, match=f"erase customer {canary_world.canary}") as caught:
        _erase(database, canary_world.merged)
    assert caught.value.survivor_id == canary_world.canary
    with database.session() as session:
        assert session.get(Customer, canary_world.merged) is not None
    assert _count(database, Suppression) == 0
