"""What each kind of answer does to a delivery, against a real HTTP receiver."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from email.utils import format_datetime

from cryptography.fernet import Fernet
from sqlalchemy import update

from core.models import WebhookEndpoint, utcnow
from core.vault import Vault
from tests.webhooks.outbound.conftest import World
from tests.webhooks.outbound.receivers import Canary, Receiver, Reply

Receivers = Callable[..., Receiver]


def _one_attempt(world: World, receiver: Receiver, *, event_type: str = "customer.updated") -> int:
    """Save an endpoint for the receiver, send one event once; the endpoint's id."""
    world.allow_loopback()
    endpoint_id, secret = world.endpoint(receiver.url)
    receiver.secrets.append(secret)
    world.event(event_type)
    world.dispatch()
    world.deliver()
    return endpoint_id


def test_a_2xx_answer_delivers(world: World, receivers: Receivers) -> None:
    receiver = receivers(Reply(202, body=b"accepted"))
    endpoint_id = _one_attempt(world, receiver)
    delivery = world.delivery()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("succeeded", 1, None)
    (attempt,) = world.attempts(delivery.id)
    assert (attempt.status_code, attempt.response_excerpt, attempt.error) == (202, "accepted", "")
    assert attempt.latency_ms is not None
    assert 0 <= attempt.latency_ms < 5000
    assert receiver.requests[0].verified_by == (0,)
    assert world.endpoint_row(endpoint_id).failing_since is None


def test_a_500_is_retried_on_schedule_and_flags_the_endpoint(
    world: World, receivers: Receivers
) -> None:
    receiver = receivers(Reply(500, body=b"boom"))
    endpoint_id = _one_attempt(world, receiver)
    delivery = world.delivery()
    (attempt,) = world.attempts(delivery.id)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    assert delivery.next_attempt_at == attempt.at + timedelta(seconds=5)
    assert (attempt.status_code, attempt.error, attempt.response_excerpt) == (
        500,
        "answered 500",
        "boom",
    )
    assert world.endpoint_row(endpoint_id).failing_since == attempt.at


def test_a_redirect_is_a_failure_and_is_not_followed(
    world: World, receivers: Receivers, canary: Canary
) -> None:
    receiver = receivers(Reply(302, headers={"Location": f"http://[::1]:{canary.port}/"}))
    _one_attempt(world, receiver)
    (attempt,) = world.attempts(world.delivery().id)
    assert attempt.status_code == 302
    assert attempt.error == "answered 302, a redirect; redirects are not followed"
    assert world.delivery().status == "pending"
    assert receiver.count() == 1
    assert receiver.requests[0].path == "/hooks"
    assert canary.foreign_hits() == 0


def test_a_timeout_is_a_failure(world: World, receivers: Receivers) -> None:
    world.set_options(timeout_seconds=0.3)
    receiver = receivers(Reply(hold=True))
    _one_attempt(world, receiver)
    (attempt,) = world.attempts(world.delivery().id)
    assert (attempt.status_code, attempt.error) == (None, "no answer within 0.3 s")
    assert attempt.latency_ms is not None
    assert attempt.latency_ms >= 300
    assert world.delivery().status == "pending"


def test_retry_after_is_honoured_when_later_than_the_schedule(
    world: World, receivers: Receivers
) -> None:
    in_an_hour = format_datetime(utcnow() + timedelta(hours=1), usegmt=True)
    replies = {
        "a": Reply(429, headers={"Retry-After": "120"}),
        "b": Reply(503, headers={"Retry-After": in_an_hour}),
        "c": Reply(502, headers={"Retry-After": "1"}),
        "d": Reply(504),
        "e": Reply(500, headers={"Retry-After": "120"}),
    }
    world.allow_loopback()
    endpoints = {}
    for name, reply in replies.items():
        endpoint_id, _ = world.endpoint(receivers(reply).url)
        endpoints[endpoint_id] = name
    world.event()
    world.dispatch()
    world.deliver()

    waits = {}
    for delivery in world.deliveries():
        (attempt,) = world.attempts(delivery.id)
        assert delivery.next_attempt_at is not None
        waits[endpoints[delivery.endpoint_id]] = delivery.next_attempt_at - attempt.at
    assert waits["a"] == timedelta(seconds=120)
    assert timedelta(minutes=59) < waits["b"] <= timedelta(hours=1)
    assert waits["c"] == timedelta(seconds=5)  # earlier than the schedule: schedule wins
    assert waits["d"] == timedelta(seconds=5)
    assert waits["e"] == timedelta(seconds=5)  # Retry-After only counts on 429/502/503/504


def test_410_disables_the_endpoint(world: World, receivers: Receivers) -> None:
    receiver = receivers(Reply(410))
    endpoint_id = _one_attempt(world, receiver)
    endpoint = world.endpoint_row(endpoint_id)
    assert endpoint.enabled is False
    assert endpoint.disabled_reason.startswith("answered 410 Gone on ")
    delivery = world.delivery()
    assert (delivery.status, delivery.next_attempt_at) == ("failed", None)
    world.event()
    assert world.dispatch() == 0  # a disabled endpoint gets no new deliveries
    assert world.deliver().attempts == 0
    assert receiver.count() == 1


def test_the_excerpt_is_capped_and_holds_no_secret(world: World, receivers: Receivers) -> None:
    receiver = receivers(Reply(400, body=b"x" * 5000, echo=True))
    _one_attempt(world, receiver)
    (attempt,) = world.attempts(world.delivery().id)
    sent = receiver.requests[0].headers["webhook-signature"].split(",", 1)[1]
    assert len(attempt.response_excerpt.encode()) <= 1024
    assert attempt.response_excerpt.startswith('{"headers": ')
    assert "[redacted]" in attempt.response_excerpt
    assert sent not in attempt.response_excerpt
    assert receiver.secrets[0].removeprefix("whsec_") not in attempt.response_excerpt
    assert receiver.requests[0].webhook_id in attempt.response_excerpt  # ids are not secret


def test_after_the_last_attempt_the_delivery_has_failed(world: World, receivers: Receivers) -> None:
    world.set_options(retry_schedule=[0, 0, 0])
    receiver = receivers(default=Reply(500))
    _one_attempt(world, receiver)
    world.deliver()
    assert world.delivery().status == "pending"
    world.deliver()
    delivery = world.delivery()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("failed", 3, None)
    assert world.deliver().attempts == 0
    assert receiver.count() == 3
    assert len({request.webhook_id for request in receiver.requests}) == 1


def test_an_endpoint_failing_for_five_days_is_disabled(world: World, receivers: Receivers) -> None:
    receiver = receivers(default=Reply(500))
    world.allow_loopback()
    endpoint_id, _ = world.endpoint(receiver.url)
    four_days_ago = utcnow() - timedelta(days=4)
    _set_failing_since(world, endpoint_id, four_days_ago)
    world.event()
    world.dispatch()
    world.deliver()
    endpoint = world.endpoint_row(endpoint_id)
    assert (endpoint.enabled, endpoint.failing_since) == (True, four_days_ago)

    five_days_ago = utcnow() - timedelta(days=5, minutes=1)
    _set_failing_since(world, endpoint_id, five_days_ago)
    world.event()
    world.dispatch()
    world.deliver()
    endpoint = world.endpoint_row(endpoint_id)
    assert endpoint.enabled is False
    assert endpoint.failing_since == five_days_ago  # kept as the flag
    assert endpoint.disabled_reason.startswith("failed continuously since ")
    assert endpoint.disabled_reason.endswith("(5 days or more)")


def test_a_success_clears_the_failure_flag(world: World, receivers: Receivers) -> None:
    receiver = receivers(Reply(200))
    world.allow_loopback()
    endpoint_id, _ = world.endpoint(receiver.url)
    _set_failing_since(world, endpoint_id, utcnow() - timedelta(days=6))
    world.event()
    world.dispatch()
    world.deliver()
    endpoint = world.endpoint_row(endpoint_id)
    assert (endpoint.enabled, endpoint.failing_since) == (True, None)


def test_an_unreadable_secret_fails_closed(world: World, receivers: Receivers) -> None:
    receiver = receivers()
    world.allow_loopback()
    endpoint_id, _ = world.endpoint(receiver.url)
    foreign = Vault([Fernet.generate_key().decode()]).encrypt("whsec_" + "B" * 43)
    with world.database.session() as session:
        session.execute(
            update(WebhookEndpoint)
            .where(WebhookEndpoint.id == endpoint_id)
            .values(secret_encrypted=foreign)
        )
    world.event()
    world.dispatch()
    world.deliver()
    (attempt,) = world.attempts(world.delivery().id)
    assert attempt.error == "the signing secret cannot be read with the configured encryption keys"
    assert receiver.count() == 0


def _set_failing_since(world: World, endpoint_id: int, when: object) -> None:
    with world.database.session() as session:
        session.execute(
            update(WebhookEndpoint)
            .where(WebhookEndpoint.id == endpoint_id)
            .values(failing_since=when)
        )
