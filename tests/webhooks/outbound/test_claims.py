"""Claims: two workers never hold the same delivery; a dead worker's claim runs out."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import update

from core.models import Delivery, utcnow
from tests.webhooks.outbound.conftest import World
from tests.webhooks.outbound.receivers import Receiver, Reply
from webhooks.outbound.claims import LOST_LAST_ATTEMPT, Claim, claim_due
from webhooks.outbound.options import DeliveryOptions
from webhooks.outbound.recording import record_results
from webhooks.outbound.sender import Outcome

Receivers = Callable[..., Receiver]


def _pending(world: World, count: int) -> None:
    world.allow_loopback()
    world.endpoint("http://127.0.0.1:9/hooks")
    for n in range(count):
        world.event(sequence=n)
    world.dispatch()


def test_two_claimers_at_once_take_disjoint_deliveries(world: World) -> None:
    _pending(world, 10)
    options = DeliveryOptions(batch_size=6)
    taken: dict[str, list[Claim]] = {}
    with world.database.session() as first:
        taken["first"] = claim_due(first, utcnow(), options)

        def second_claimer() -> None:  # on SQLite this waits for the first to commit
            with world.database.session() as second:
                taken["second"] = claim_due(second, utcnow(), options)

        thread = threading.Thread(target=second_claimer)
        thread.start()
        thread.join(timeout=0.5)  # PostgreSQL: already done, thanks to SKIP LOCKED
    thread.join(timeout=30)
    first_ids = {claim.delivery_id for claim in taken["first"]}
    second_ids = {claim.delivery_id for claim in taken["second"]}
    assert len(first_ids) == 6
    assert len(second_ids) == 4
    assert first_ids.isdisjoint(second_ids)
    with world.database.session() as session:
        assert claim_due(session, utcnow(), options) == []  # all leased now


def test_a_claim_counts_the_attempt_and_hides_the_delivery_for_the_lease(world: World) -> None:
    _pending(world, 1)
    options = DeliveryOptions()
    now = utcnow()
    with world.database.session() as session:
        (claim,) = claim_due(session, now, options)
    delivery = world.delivery()
    assert claim.attempt == 1
    assert delivery.attempts == 1
    assert delivery.next_attempt_at == now + timedelta(seconds=options.lease_seconds)
    with world.database.session() as session:
        almost = now + timedelta(seconds=options.lease_seconds - 1)
        assert claim_due(session, almost, options) == []
        later = now + timedelta(seconds=options.lease_seconds + 1)
        (again,) = claim_due(session, later, options)
    assert (again.attempt, again.msg_id) == (2, claim.msg_id)


def test_a_worker_that_died_mid_send_loses_nothing(world: World, receivers: Receivers) -> None:
    receiver = receivers(Reply(503))
    world.allow_loopback()
    _, secret = world.endpoint(receiver.url)
    receiver.secrets.append(secret)
    msg_id = world.event()
    world.dispatch()
    options = DeliveryOptions()
    with world.database.session() as session:  # a worker claims, then is killed mid-send
        (dead,) = claim_due(session, utcnow(), options)
    assert world.deliver().attempts == 0  # nobody else may send while the lease lasts
    _lease_runs_out(world)

    assert world.deliver().attempts == 1  # the takeover: same id, answered 503

    (request,) = receiver.requests
    assert request.webhook_id == msg_id == dead.msg_id
    assert request.verified_by == (0,)
    taken_over = world.delivery()
    assert (taken_over.status, taken_over.attempts) == ("pending", 2)

    late = Outcome(utcnow(), status_code=200)
    with world.database.session() as session:  # the dead worker's result, far too late
        record_results(session, [(dead, late)], options, utcnow())
    delivery = world.delivery()  # fenced out: the newer claim's schedule stands
    assert (delivery.status, delivery.next_attempt_at) == ("pending", taken_over.next_attempt_at)
    assert [a.status_code for a in world.attempts(delivery.id)] == [503, 200]


def test_a_delivery_whose_last_attempt_was_lost_fails(world: World) -> None:
    _pending(world, 1)
    options = DeliveryOptions(retry_schedule=(0, 0))
    for _ in range(2):  # two claims whose workers never came back
        with world.database.session() as session:
            assert len(claim_due(session, utcnow(), options)) == 1
        _lease_runs_out(world)
    with world.database.session() as session:
        assert claim_due(session, utcnow(), options) == []
    delivery = world.delivery()
    assert (delivery.status, delivery.attempts) == ("failed", 2)
    assert delivery.last_error == LOST_LAST_ATTEMPT


def _lease_runs_out(world: World) -> None:
    """What time does to a lease, done at once: the claimed delivery is due again."""
    with world.database.session() as session:
        session.execute(
            update(Delivery)
            .where(Delivery.status == "pending")
            .values(next_attempt_at=utcnow() - timedelta(seconds=1))
        )
