"""Receiving: verified events are stored once, before any 2xx; refusals store nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from connectors.base import InboundRequest, WebhookRejected
from connectors.forms import CreatedSource
from core.db import Database
from core.models import Connector, InboundEvent
from core.vault import Vault
from tests.webhooks.inbound.conftest import count, inbox
from tests.webhooks.inbound.senders import (
    FORM,
    form_body,
    json_body,
    signed_request,
    token_request,
)
from webhooks.inbound import InboundLimits, mark_unqueued, receive


def _refused(database: Database, vault: Vault, connector_id: int, request: InboundRequest,
             limits: InboundLimits | None = None) -> WebhookRejected:  # fmt: skip
    with pytest.raises(WebhookRejected) as caught:
        receive(database, vault, connector_id, request, limits)
    assert count(database, InboundEvent) == 0, "a refused webhook must store nothing"
    return caught.value


def test_a_signed_event_is_stored_with_its_raw_body(
    database: Database, vault: Vault, signed_source: CreatedSource
) -> None:
    body = json_body()
    request = signed_request(signed_source.secret, body, msg_id="msg_1")
    request = replace(request, headers={**request.headers, "cookie": "s=1", "user-agent": "x"})
    receipt = receive(database, vault, signed_source.connector_id, request)
    assert (receipt.status, receipt.duplicate) == ("accepted", False)
    [event] = inbox(database)
    assert event.id == receipt.event_id
    assert (event.dedupe_key, event.event_type, event.status) == (
        "msg_1",
        "form.submitted",
        "pending",
    )
    assert event.body == body
    assert event.headers["webhook-id"] == "msg_1"
    assert event.headers["user-agent"] == "x"
    assert "cookie" not in event.headers  # credentials in headers are never stored
    assert event.queued_at == request.received_at


def test_a_replay_is_a_duplicate_of_the_stored_event(
    database: Database, vault: Vault, signed_source: CreatedSource
) -> None:
    request = signed_request(signed_source.secret, json_body(), msg_id="msg_1")
    first = receive(database, vault, signed_source.connector_id, request)
    again = receive(database, vault, signed_source.connector_id, request)
    assert (again.status, again.event_id) == ("duplicate", first.event_id)
    assert count(database, InboundEvent) == 1


def test_the_same_key_at_two_sources_is_two_events(
    database: Database,
    vault: Vault,
    signed_source: CreatedSource,
    token_source: CreatedSource,
) -> None:
    body = form_body()
    receive(database, vault, token_source.connector_id, token_request(token_source.secret, body))
    request = signed_request(signed_source.secret, body, content_type=FORM)
    receive(database, vault, signed_source.connector_id, request)
    assert count(database, InboundEvent) == 2


def test_a_browser_form_is_stored_under_the_hash_of_its_body(
    database: Database, vault: Vault, token_source: CreatedSource
) -> None:
    request = token_request(token_source.secret, form_body())
    first = receive(database, vault, token_source.connector_id, request)
    resent = receive(database, vault, token_source.connector_id, request)
    assert (first.duplicate, resent.duplicate) == (False, True)
    assert inbox(database)[0].dedupe_key.startswith("sha256:")


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ("unsigned", 401),
        ("wrong secret", 401),
        ("tampered body", 401),
        ("stale", 401),
        ("oversized", 413),
        ("malformed json", 400),
        ("wrong content type", 415),
        ("deeply nested", 400),
        ("json array", 400),
    ],
)
def test_bad_signed_posts_get_their_status_and_store_nothing(
    database: Database, vault: Vault, signed_source: CreatedSource, change: str, status: int
) -> None:
    secret = signed_source.secret
    body = json_body()
    request = signed_request(secret, body)
    if change == "unsigned":
        request = replace(request, headers={"content-type": "application/json"})
    elif change == "wrong secret":
        request = signed_request(secret[:-4] + "AAA=", body)
    elif change == "tampered body":
        request = replace(request, body=body.replace(b"Ada", b"Eve"))
    elif change == "stale":
        request = signed_request(secret, body, age=timedelta(seconds=301))
    elif change == "oversized":
        request = signed_request(secret, json_body({"message": "x" * 2048}))
    elif change == "malformed json":
        request = signed_request(secret, b'{"name": "Ada",')
    elif change == "wrong content type":
        request = signed_request(secret, b"name: Ada", content_type="text/yaml")
    elif change == "deeply nested":
        request = signed_request(secret, b'{"a":' * 33 + b"1" + b"}" * 33)
    elif change == "json array":
        request = signed_request(secret, b"[]")
    limits = InboundLimits(max_body_bytes=1024)
    refusal = _refused(database, vault, signed_source.connector_id, request, limits)
    assert refusal.status == status


@pytest.mark.parametrize("secret", [None, "whsec_wrong"])
def test_a_form_post_without_the_right_secret_is_refused(
    database: Database, vault: Vault, token_source: CreatedSource, secret: str | None
) -> None:
    request = token_request(secret, form_body())
    assert _refused(database, vault, token_source.connector_id, request).status == 401


def test_a_signature_is_checked_before_the_content(
    database: Database, vault: Vault, signed_source: CreatedSource
) -> None:
    """A caller that cannot sign learns nothing about what the source would accept."""
    request = signed_request("whsec_" + "A" * 43 + "=", b"not json", content_type="text/plain")
    assert _refused(database, vault, signed_source.connector_id, request).status == 401


def test_unknown_paused_or_webhookless_sources_are_not_found(
    database: Database, vault: Vault, signed_source: CreatedSource
) -> None:
    request = signed_request(signed_source.secret, json_body())
    assert _refused(database, vault, 9999, request).status == 404
    with database.session() as session:
        session.add(Connector(kind="csvimport", name="CSV", settings={}))
        row = session.get(Connector, signed_source.connector_id)
        assert row is not None
        row.status = "paused"
    assert _refused(database, vault, signed_source.connector_id, request).status == 404
    assert _refused(database, vault, signed_source.connector_id + 1, request).status == 404


def test_a_source_whose_secret_no_key_reads_fails_closed(
    database: Database, signed_source: CreatedSource
) -> None:
    from cryptography.fernet import Fernet  # noqa: PLC0415 - only this test needs a new key

    other = Vault([Fernet.generate_key().decode()])
    request = signed_request(signed_source.secret, json_body())
    assert _refused(database, other, signed_source.connector_id, request).status == 503


def test_an_unqueued_event_is_left_for_the_sweeper(
    database: Database, vault: Vault, signed_source: CreatedSource
) -> None:
    request = signed_request(signed_source.secret, json_body())
    receipt = receive(database, vault, signed_source.connector_id, request)
    mark_unqueued(database, receipt.event_id)
    assert inbox(database)[0].queued_at is None
