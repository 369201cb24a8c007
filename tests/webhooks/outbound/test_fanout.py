"""Fan-out: one delivery per matching enabled endpoint, never two for the same pair."""

from __future__ import annotations

from sqlalchemy import update

from core.models import OutboxEvent
from tests.webhooks.outbound.conftest import World
from webhooks.outbound import set_enabled
from webhooks.outbound.fanout import dispatch_pending, fan_out

URL = "http://127.0.0.1:9/hooks"


def _pairs(world: World) -> set[tuple[str, int]]:
    types = {event.id: event.type for event in world.events()}
    return {(types[d.event_id], d.endpoint_id) for d in world.deliveries()}


def test_events_go_to_matching_enabled_endpoints_once(world: World) -> None:
    world.allow_loopback()
    customers, _ = world.endpoint(URL, ("customer.*",))
    activities, _ = world.endpoint(URL, ("activity.logged",))
    everything, _ = world.endpoint(URL, ("*",))
    disabled, _ = world.endpoint(URL, ("*",))
    with world.database.session() as session:
        set_enabled(session, disabled, False)
    world.event("customer.updated")
    world.event("activity.logged")
    world.event("invoice.paid")

    assert world.dispatch() == 5
    expected = {
        ("customer.updated", customers),
        ("customer.updated", everything),
        ("activity.logged", activities),
        ("activity.logged", everything),
        ("invoice.paid", everything),
    }
    assert _pairs(world) == expected
    assert all(event.dispatched_at is not None for event in world.events())
    assert all(d.status == "pending" and d.attempts == 0 for d in world.deliveries())

    assert world.dispatch() == 0  # dispatched events are not taken again
    with world.database.session() as session:  # even if they were, nothing is doubled
        session.execute(update(OutboxEvent).values(dispatched_at=None))
    assert world.dispatch() == 5
    assert len(world.deliveries()) == 5
    assert _pairs(world) == expected


def test_dispatch_works_through_every_batch(world: World) -> None:
    world.allow_loopback()
    world.endpoint(URL, ("*",))
    for n in range(7):
        world.event("customer.updated", sequence=n)
    result = dispatch_pending(world.database, batch=3)
    assert (result.events, result.deliveries) == (7, 7)
    with world.database.session() as session:
        assert fan_out(session).events == 0


def test_without_endpoints_events_are_still_marked_dispatched(world: World) -> None:
    world.event("customer.updated")
    assert world.dispatch() == 0
    assert world.events()[0].dispatched_at is not None
    assert world.deliveries() == []
