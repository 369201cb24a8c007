"""The guard where it matters: on save, on send, against DNS rebinding; the canary counts.

The canary listens on every local address. Each refused URL points at its port, so a
request that slipped past the guard would show up there as a connection.
"""

from __future__ import annotations

import socket
from typing import Any

import pytest
from sqlalchemy import func, select

from core.models import WebhookEndpoint
from tests.webhooks.outbound.conftest import World
from tests.webhooks.outbound.receivers import Canary, Receiver
from tests.webhooks.outbound.test_urlguard import refused_urls
from webhooks.outbound import UnsafeURL, create_endpoint, update_endpoint, urlguard

PUBLIC_URL = "https://93.184.216.34/hooks"


def _endpoint_count(world: World) -> int:
    with world.database.session() as session:
        return int(session.scalar(select(func.count()).select_from(WebhookEndpoint)) or 0)


def test_every_unsafe_url_is_refused_on_save(world: World, canary: Canary) -> None:
    safe_id, _ = world.endpoint(PUBLIC_URL)
    for url, words in refused_urls(canary.port):
        with world.database.session() as session, pytest.raises(UnsafeURL) as caught:
            create_endpoint(session, world.vault, url)
        assert words in caught.value.reason, url
        with world.database.session() as session, pytest.raises(UnsafeURL):
            update_endpoint(session, safe_id, url=url)
    assert _endpoint_count(world) == 1
    assert world.endpoint_row(safe_id).url == PUBLIC_URL
    assert canary.foreign_hits() == 0


def test_every_unsafe_url_is_refused_on_send(world: World, canary: Canary) -> None:
    cases = refused_urls(canary.port)
    ids = {world.raw_endpoint(url): words for url, words in cases}
    world.event("customer.updated")
    assert world.dispatch() == len(cases)

    stats = world.deliver()

    assert (stats.attempts, stats.succeeded) == (len(cases), 0)
    for delivery in world.deliveries():
        (attempt,) = world.attempts(delivery.id)
        assert attempt.status_code is None
        assert attempt.error.startswith("not sent: ")
        assert ids[delivery.endpoint_id] in attempt.error
        assert delivery.status == "pending"  # retried later: the allow-list may change
    assert canary.foreign_hits() == 0


def test_the_canary_does_see_a_request_that_is_allowed(world: World, canary: Canary) -> None:
    world.allow_loopback()
    world.endpoint(f"http://127.0.0.1:{canary.port}/hooks")
    world.event()
    world.dispatch()
    world.deliver()
    assert canary.foreign_hits() == 1


def test_dns_rebinding_is_refused_at_send_time(
    world: World, canary: Canary, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = iter([["93.184.216.34"], ["127.0.0.1"]])
    monkeypatch.setattr(urlguard, "resolve", lambda host, port: next(answers))
    endpoint_id, _ = world.endpoint(f"http://rebind.example:{canary.port}/hooks")
    world.event()
    world.dispatch()

    world.deliver()

    (attempt,) = world.attempts(world.delivery().id)
    assert attempt.error == "not sent: rebind.example resolves to 127.0.0.1, a loopback address"
    assert world.endpoint_row(endpoint_id).enabled is True
    assert canary.foreign_hits() == 0


def test_the_connection_goes_to_the_checked_address_without_a_second_lookup(
    world: World, canary: Canary, receivers: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The system resolver would send hooks.example to the canary; it is never asked."""
    receiver: Receiver = receivers()
    world.allow_loopback()
    monkeypatch.setattr(urlguard, "resolve", lambda host, port: ["127.0.0.1"])
    asked: list[str] = []
    real_getaddrinfo = socket.getaddrinfo

    def system_resolver(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        asked.append(str(host))
        if host == "hooks.example":
            return real_getaddrinfo("::1", canary.port, *args, **kwargs)
        return real_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", system_resolver)
    _, secret = world.endpoint(f"http://hooks.example:{receiver.port}/hooks")
    receiver.secrets.append(secret)
    world.event()
    world.dispatch()

    assert world.deliver().succeeded == 1

    (request,) = receiver.requests
    assert request.headers["host"] == f"hooks.example:{receiver.port}"
    assert request.verified_by == (0,)
    assert "hooks.example" not in asked
    assert canary.foreign_hits() == 0
