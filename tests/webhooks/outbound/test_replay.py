"""Replays keep the webhook-id; the test event goes to one endpoint only."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import update

from core.models import Delivery, utcnow
from tests.webhooks.outbound.conftest import World
from tests.webhooks.outbound.receivers import Receiver
from webhooks.outbound import (
    EndpointDisabled,
    replay_delivery,
    replay_since,
    send_test_event,
    set_enabled,
)

Receivers = Callable[..., Receiver]


def test_a_replayed_delivery_keeps_its_id_and_body(world: World, receivers: Receivers) -> None:
    receiver = receivers()
    world.allow_loopback()
    _, secret = world.endpoint(receiver.url)
    receiver.secrets.append(secret)
    msg_id = world.event()
    world.dispatch()
    world.deliver()
    delivery = world.delivery()
    assert delivery.status == "succeeded"

    with world.database.session() as session:
        replay_delivery(session, delivery.id)
    assert world.delivery().status == "pending"
    world.deliver()

    first, second = receiver.requests
    assert first.webhook_id == second.webhook_id == msg_id
    assert first.body == second.body
    assert second.verified_by == (0,)
    assert world.delivery().status == "succeeded"
    assert len(world.attempts(delivery.id)) == 2


def test_replay_since_a_time_takes_the_endpoints_later_deliveries(
    world: World, receivers: Receivers
) -> None:
    receiver = receivers()
    other = receivers()
    world.allow_loopback()
    endpoint_id, _ = world.endpoint(receiver.url)
    world.endpoint(other.url)
    for n in range(3):
        world.event(sequence=n)
    world.dispatch()
    world.deliver()
    ids = [d.id for d in world.deliveries() if d.endpoint_id == endpoint_id]
    cutoff = utcnow() - timedelta(hours=1)
    with world.database.session() as session:  # the first delivery is older than the cutoff
        session.execute(
            update(Delivery)
            .where(Delivery.id == ids[0])
            .values(created_at=cutoff - timedelta(minutes=1))
        )
        assert replay_since(session, endpoint_id, cutoff) == 2
    world.deliver()

    assert receiver.count() == 5
    assert other.count() == 3
    msg_ids = {event.id: event.event_id for event in world.events()}
    replayed = sorted(msg_ids[d.event_id] for d in world.deliveries() if d.id in ids[1:])
    assert sorted(r.webhook_id for r in receiver.requests[3:]) == replayed


def test_the_test_event_goes_to_one_endpoint_only(world: World, receivers: Receivers) -> None:
    receiver = receivers()
    other = receivers()
    world.allow_loopback()
    endpoint_id, secret = world.endpoint(receiver.url)
    world.endpoint(other.url)
    receiver.secrets.append(secret)
    with world.database.session() as session:
        event = send_test_event(session, endpoint_id)
        msg_id = event.event_id
    assert world.dispatch() == 0
    world.deliver()

    (request,) = receiver.requests
    assert request.webhook_id == msg_id
    assert request.verified_by == (0,)
    body = json.loads(request.body)
    assert body["type"] == "webhook.test"
    assert body["data"]["endpoint_id"] == endpoint_id
    assert other.count() == 0


def test_no_test_event_to_a_disabled_endpoint(world: World) -> None:
    world.allow_loopback()
    endpoint_id, _ = world.endpoint("http://127.0.0.1:9/")
    with world.database.session() as session:
        set_enabled(session, endpoint_id, False)
    with world.database.session() as session, pytest.raises(EndpointDisabled):
        send_test_event(session, endpoint_id)
