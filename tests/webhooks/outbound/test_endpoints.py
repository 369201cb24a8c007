"""The endpoint service: secrets shown once and kept encrypted, rotation, on/off, delete."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text
from standardwebhooks import Webhook, WebhookVerificationError

from core.models import Delivery, DeliveryAttempt, utcnow
from tests.webhooks.outbound.conftest import World
from tests.webhooks.outbound.receivers import Receiver
from webhooks.outbound import (
    EndpointNotFound,
    InvalidFilter,
    create_endpoint,
    delete_endpoint,
    rotate_secret,
    set_enabled,
)

Receivers = Callable[..., Receiver]


def test_a_new_endpoint_gets_a_secret_shown_once_and_stored_encrypted(world: World) -> None:
    world.allow_loopback()
    with world.database.session() as session:
        created = create_endpoint(
            session,
            world.vault,
            " http://127.0.0.1:9/hooks ",
            description="CRM mirror",
            event_types=["customer.*", "activity.logged"],
        )
        endpoint_id = created.endpoint.id
    secret = created.secret
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    row = world.endpoint_row(endpoint_id)
    assert row.url == "http://127.0.0.1:9/hooks"
    assert row.event_types == ["customer.*", "activity.logged"]
    assert row.description == "CRM mirror"
    assert world.vault.decrypt(row.secret_encrypted) == secret
    with world.database.session() as session:  # the plaintext is nowhere in the table
        dump = " ".join(
            str(value) for value in session.execute(text("SELECT * FROM webhook_endpoints")).one()
        )
    assert secret not in dump
    assert secret.removeprefix("whsec_") not in dump


def test_a_bad_filter_stores_nothing(world: World) -> None:
    world.allow_loopback()
    with world.database.session() as session, pytest.raises(InvalidFilter):
        create_endpoint(session, world.vault, "http://127.0.0.1:9/", event_types=["bad pattern"])
    with world.database.session() as session:
        assert session.scalar(text("SELECT count(*) FROM webhook_endpoints")) == 0


def test_rotation_signs_with_both_secrets_during_the_grace_period(
    world: World, receivers: Receivers
) -> None:
    receiver = receivers()
    world.allow_loopback()
    endpoint_id, old = world.endpoint(receiver.url)
    with world.database.session() as session:
        new = rotate_secret(session, world.vault, endpoint_id)
    receiver.secrets.extend([old, new])
    row = world.endpoint_row(endpoint_id)
    assert row.previous_secret_expires_at is not None
    assert abs(row.previous_secret_expires_at - (utcnow() + timedelta(hours=24))) < timedelta(
        minutes=1
    )
    world.event()
    world.dispatch()
    world.deliver()

    (request,) = receiver.requests
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    assert request.verified_by == (0, 1)  # the receiver accepts it with either secret


def test_after_the_grace_period_only_the_new_secret_signs(
    world: World, receivers: Receivers
) -> None:
    receiver = receivers()
    world.allow_loopback()
    endpoint_id, old = world.endpoint(receiver.url)
    with world.database.session() as session:
        new = rotate_secret(session, world.vault, endpoint_id, now=utcnow() - timedelta(hours=25))
    receiver.secrets.extend([old, new])
    world.event()
    world.dispatch()
    world.deliver()

    (request,) = receiver.requests
    assert len(request.headers["webhook-signature"].split(" ")) == 1
    assert request.verified_by == (1,)
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(request.body, request.headers)


def test_disable_and_enable(world: World) -> None:
    world.allow_loopback()
    endpoint_id, _ = world.endpoint("http://127.0.0.1:9/hooks")
    with world.database.session() as session:
        set_enabled(session, endpoint_id, False)
    row = world.endpoint_row(endpoint_id)
    assert (row.enabled, row.disabled_reason) == (False, "disabled by an administrator")
    world.event()
    assert world.dispatch() == 0
    with world.database.session() as session:
        set_enabled(session, endpoint_id, True)
    row = world.endpoint_row(endpoint_id)
    assert (row.enabled, row.disabled_reason, row.failing_since) == (True, "", None)
    world.event()
    assert world.dispatch() == 1


def test_delete_removes_the_endpoint_and_its_delivery_log(
    world: World, receivers: Receivers
) -> None:
    receiver = receivers()
    world.allow_loopback()
    endpoint_id, _ = world.endpoint(receiver.url)
    world.event()
    world.dispatch()
    world.deliver()
    with world.database.session() as session:
        delete_endpoint(session, endpoint_id)
    with world.database.session() as session:
        for table in (Delivery, DeliveryAttempt):
            assert session.scalar(select(func.count()).select_from(table)) == 0
        with pytest.raises(EndpointNotFound):
            delete_endpoint(session, endpoint_id)
