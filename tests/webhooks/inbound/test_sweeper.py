"""The sweeper: stored but unprocessed events are queued again; dead claims released."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from connectors.forms import CreatedSource
from core.db import Database
from core.models import InboundEvent, utcnow
from core.vault import Vault
from tests.webhooks.inbound.conftest import inbox
from tests.webhooks.inbound.senders import LEAD, form_body, token_request
from webhooks.inbound import (
    InboxOptions,
    due_for_requeue,
    mark_unqueued,
    process_batch,
    receive,
    release_expired_claims,
)
from webhooks.inbound.claims import claim_batch

OPTIONS = InboxOptions(requeue_after_seconds=60, lease_seconds=300)


def _post(database: Database, vault: Vault, source: CreatedSource, n: int) -> int:
    body = form_body({**LEAD, "email": f"p{n}@example.com"})
    request = token_request(source.secret, body)
    return receive(database, vault, source.connector_id, request).event_id


def _age(database: Database, event_id: int, seconds: float) -> None:
    with database.session() as session:
        session.execute(
            update(InboundEvent)
            .where(InboundEvent.id == event_id)
            .values(queued_at=utcnow() - timedelta(seconds=seconds))
        )


def test_events_waiting_too_long_or_never_queued_are_queued_again(
    database: Database,
    vault: Vault,
    token_source: CreatedSource,
    signed_source: CreatedSource,
) -> None:
    fresh = _post(database, vault, token_source, 1)
    lost = _post(database, vault, token_source, 2)
    never = _post(database, vault, token_source, 3)
    _age(database, lost, 61)
    mark_unqueued(database, never)
    now = utcnow()
    with database.session() as session:
        assert due_for_requeue(session, now, OPTIONS) == [token_source.connector_id]
    queued = {event.id: event.queued_at for event in inbox(database)}
    assert queued[lost] == queued[never] == now
    assert queued[fresh] != now
    with database.session() as session:  # just queued again: not due a second time
        assert due_for_requeue(session, utcnow(), OPTIONS) == []


def test_processed_and_failed_events_are_left_alone(
    database: Database, vault: Vault, token_source: CreatedSource
) -> None:
    event_id = _post(database, vault, token_source, 1)
    process_batch(database)
    _age(database, event_id, 3600)
    with database.session() as session:
        assert due_for_requeue(session, utcnow(), OPTIONS) == []
    assert inbox(database)[0].status == "processed"


def test_a_claim_whose_worker_died_is_released_after_its_lease(
    database: Database, vault: Vault, token_source: CreatedSource
) -> None:
    dead = _post(database, vault, token_source, 1)
    alive = _post(database, vault, token_source, 2)
    with database.session() as session:
        claim_batch(session, utcnow(), batch_size=10, max_attempts=5)
    _age(database, dead, 301)
    with database.session() as session:
        assert release_expired_claims(session, utcnow(), OPTIONS) == 1
        assert due_for_requeue(session, utcnow(), OPTIONS) == [token_source.connector_id]
    statuses = {event.id: event.status for event in inbox(database)}
    assert statuses == {dead: "pending", alive: "processing"}
    result = process_batch(database)
    assert (result.claimed, result.processed) == (1, 1)
    assert {event.id: event.attempts for event in inbox(database)}[dead] == 2
