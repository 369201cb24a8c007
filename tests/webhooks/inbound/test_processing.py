"""Processing the inbox: one customer and one form activity per event, exactly once."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import pytest
from sqlalchemy import select, update

from connectors.forms import CreatedSource
from core.activities import ActivityInput, logbook
from core.db import Database
from core.identity import IdentityOptions
from core.models import (
    Activity,
    ActivityCustomer,
    Connector,
    InboundEvent,
    SourceRecord,
    utcnow,
)
from core.vault import Vault
from tests.webhooks.inbound.conftest import effects, inbox, outbox_types
from tests.webhooks.inbound.senders import LEAD, form_body, signed_request, token_request
from webhooks.inbound import (
    EventNotFound,
    InboxOptions,
    NotRetryable,
    process_batch,
    receive,
    retry_event,
)
from webhooks.inbound.batch import apply_mapped, map_claims
from webhooks.inbound.claims import claim_batch, settle

BROKEN_MAPPING = "version: 1\ntarget: customer\nfields:\n  emails: {from: email_address}\n"


def _post(database: Database, vault: Vault, source: CreatedSource, **fields: str) -> int:
    request = token_request(source.secret, form_body({**LEAD, **fields}))
    return receive(database, vault, source.connector_id, request).event_id


def _statuses(database: Database) -> dict[int, tuple[str, str]]:
    return {event.id: (event.status, event.error) for event in inbox(database)}


def test_an_event_becomes_a_customer_and_a_form_activity(
    database: Database, vault: Vault, token_source: CreatedSource
) -> None:
    event_id = _post(database, vault, token_source)
    result = process_batch(database)
    assert (result.claimed, result.processed, result.failed) == (1, 1, 0)
    assert effects(database) == (1, 1)
    assert outbox_types(database) == ["activity.logged", "customer.created"]
    [event] = inbox(database)
    assert (event.id, event.status, event.error, event.attempts) == (event_id, "processed", "", 1)
    assert event.processed_at is not None
    with database.session() as session:
        activity = session.scalars(select(Activity)).one()
        record = session.scalars(select(SourceRecord)).one()
    assert (activity.type, activity.connector_id) == ("form", token_source.connector_id)
    assert activity.external_id == record.external_id  # the submission's derived id
    assert record.raw["email"] == LEAD["email"]


def test_a_replayed_event_is_processed_once(
    database: Database, vault: Vault, signed_source: CreatedSource
) -> None:
    request = signed_request(signed_source.secret, b'{"name": "Ada", "email": "a@example.com"}')
    for _ in range(3):
        receive(database, vault, signed_source.connector_id, request)
    process_batch(database)
    receive(database, vault, signed_source.connector_id, request)  # after processing, too
    assert process_batch(database).claimed == 0
    assert effects(database) == (1, 1)
    assert outbox_types(database) == ["activity.logged", "customer.created"]


def test_processing_an_event_again_changes_nothing(
    database: Database, vault: Vault, token_source: CreatedSource
) -> None:
    """A redelivered task or a re-run after a crash finds the effects already there."""
    _post(database, vault, token_source)
    process_batch(database)
    with database.session() as session:
        session.execute(update(InboundEvent).values(status="pending"))
    assert process_batch(database).processed == 1
    assert effects(database) == (1, 1)
    assert outbox_types(database) == ["activity.logged", "customer.created"]


def test_one_bad_event_never_fails_the_batch(
    database: Database, vault: Vault, token_source: CreatedSource
) -> None:
    good = _post(database, vault, token_source)
    bad = receive(
        database,
        vault,
        token_source.connector_id,
        token_request(token_source.secret, form_body({"message": "no one"})),
    ).event_id
    later = _post(database, vault, token_source, email="grace@example.com", name="Grace Hopper")
    result = process_batch(database)
    assert (result.processed, result.failed) == (2, 1)
    statuses = _statuses(database)
    assert statuses[good] == statuses[later] == ("processed", "")
    assert statuses[bad][0] == "failed"
    assert statuses[bad][1].startswith("nothing identifies a person")
    assert effects(database) == (2, 2)


def test_a_failed_event_is_retried_once_its_cause_is_fixed(
    database: Database, vault: Vault, token_source: CreatedSource
) -> None:
    with database.session() as session:
        row = session.get(Connector, token_source.connector_id)
        assert row is not None
        row.settings = {**row.settings, "customer_mapping": BROKEN_MAPPING}
    event_id = _post(database, vault, token_source)
    process_batch(database)
    status, error = _statuses(database)[event_id]
    assert status == "failed"
    assert "emails" in error
    assert "email_address" in error
    assert effects(database) == (0, 0)  # nothing half-done: the activity rolled back too

    with database.session() as session:
        row = session.get(Connector, token_source.connector_id)
        assert row is not None
        row.settings = {"auth": "token"}  # the admin fixes the mapping
        retried = retry_event(session, event_id)
        assert (retried.status, retried.error, retried.attempts) == ("pending", "", 0)
    assert process_batch(database).processed == 1
    assert _statuses(database)[event_id] == ("processed", "")
    assert effects(database) == (1, 1)


def test_only_failed_events_can_be_retried(
    database: Database, vault: Vault, token_source: CreatedSource
) -> None:
    event_id = _post(database, vault, token_source)
    with database.session() as session, pytest.raises(NotRetryable):
        retry_event(session, event_id)
    with database.session() as session, pytest.raises(EventNotFound):
        retry_event(session, event_id + 1)


def test_a_claim_taken_over_by_another_worker_writes_nothing(
    database: Database, vault: Vault, token_source: CreatedSource
) -> None:
    _post(database, vault, token_source)
    with database.session() as session:
        [claim] = claim_batch(session, utcnow(), batch_size=10, max_attempts=5)
    with database.session() as session:  # the lease ran out and another worker claimed it
        session.execute(update(InboundEvent).values(attempts=InboundEvent.attempts + 1))
    with database.session() as session:
        assert not settle(session, claim, status="failed", error="late", now=utcnow())
    assert inbox(database)[0].error == ""


def test_an_event_that_keeps_killing_its_worker_is_given_up(
    database: Database, vault: Vault, token_source: CreatedSource
) -> None:
    _post(database, vault, token_source)
    with database.session() as session:
        session.execute(update(InboundEvent).values(attempts=5))
    assert process_batch(database, options=InboxOptions(max_attempts=5)).claimed == 0
    [event] = inbox(database)
    assert event.status == "failed"
    assert event.error.startswith("given up")
    assert effects(database) == (0, 0)


def test_batches_are_bounded_and_say_when_more_wait(
    database: Database, vault: Vault, token_source: CreatedSource, signed_source: CreatedSource
) -> None:
    for n in range(5):
        _post(database, vault, token_source, email=f"p{n}@example.com", name=f"Person {n}")
    first = process_batch(database, options=InboxOptions(batch_size=3))
    assert (first.claimed, first.full) == (3, True)
    other = process_batch(database, connector_id=signed_source.connector_id)
    assert other.claimed == 0
    rest = process_batch(database, connector_id=token_source.connector_id)
    assert (rest.claimed, rest.full) == (2, False)


def test_two_workers_never_process_an_event_twice(
    database: Database, vault: Vault, token_source: CreatedSource
) -> None:
    total = 24
    for n in range(total):
        _post(database, vault, token_source, email=f"p{n}@example.com", name=f"Person {n}")
    options = InboxOptions(batch_size=4)
    claimed: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def work() -> None:
        try:
            start.wait()
            while (result := process_batch(database, options=options)).claimed:
                claimed.append(result.claimed)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert sum(claimed) == total
    assert all(event.attempts == 1 and event.status == "processed" for event in inbox(database))
    assert effects(database)[1] == total


def test_a_batch_resolves_its_events_in_order(
    database: Database, vault: Vault, token_source: CreatedSource
) -> None:
    """Two posts by one person in one batch: the second finds the customer the first made."""
    _post(database, vault, token_source, message="first")
    _post(database, vault, token_source, message="second", phone="")
    result = process_batch(database)
    assert (result.claimed, result.processed) == (2, 2)
    assert effects(database) == (1, 2)
    with database.session() as session:
        links = session.scalars(select(ActivityCustomer.customer_id)).all()
    assert len(links) == 2
    assert len(set(links)) == 1


def test_an_event_failing_inside_the_batch_fails_alone(
    database: Database,
    vault: Vault,
    token_source: CreatedSource,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The batch's transaction rolls back; each event is then applied on its own."""
    real_insert = logbook.insert_new

    def refusing(session: object, items: Sequence[ActivityInput]) -> object:
        if any(item.summary == "boom" for item in items):
            raise ValueError("the activity store refused it")
        return real_insert(session, items)  # type: ignore[arg-type]

    monkeypatch.setattr(logbook, "insert_new", refusing)
    good = _post(database, vault, token_source)
    bad = _post(database, vault, token_source, email="b@example.com", message="boom")
    later = _post(database, vault, token_source, email="c@example.com", name="Cy Young")
    result = process_batch(database)
    assert (result.processed, result.failed) == (2, 1)
    statuses = _statuses(database)
    assert statuses[good] == statuses[later] == ("processed", "")
    assert statuses[bad] == ("failed", "ValueError: the activity store refused it")
    assert effects(database) == (2, 2)  # the failed event's customer rolled back with it
    assert outbox_types(database).count("activity.logged") == 2


def test_a_claim_lost_before_the_batch_commits_writes_nothing(
    database: Database, vault: Vault, token_source: CreatedSource
) -> None:
    kept = _post(database, vault, token_source)
    taken = _post(database, vault, token_source, email="t@example.com", name="Tess Taken")
    with database.session() as session:
        claims = claim_batch(session, utcnow(), batch_size=10, max_attempts=5)
    mapped, failed = map_claims(database, claims, IdentityOptions())
    assert failed == []
    with database.session() as session:  # its lease ran out and another worker claimed it
        session.execute(
            update(InboundEvent)
            .where(InboundEvent.id == taken)
            .values(attempts=InboundEvent.attempts + 1)
        )
    with database.session() as session:
        lost = apply_mapped(session, mapped, IdentityOptions())
    assert [claim.event_id for claim in lost] == [taken]
    assert _statuses(database)[kept] == ("processed", "")
    assert _statuses(database)[taken] == ("processing", "")
    assert effects(database) == (1, 1)
