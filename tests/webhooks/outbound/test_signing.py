"""Signatures follow Standard Webhooks exactly: the published vector, and rotation."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from webhooks.outbound.payload import event_body
from webhooks.outbound.signing import new_secret, signature_headers

VECTOR_SECRET = "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
VECTOR_BODY = '{"type":"contact.created","data":{"id":"c_1"}}'
VECTOR_SIGNATURE = "v1,EP98nZwShFmZc8R0k5INYjyeJD8OygrnFI3Uy7Z9N9U="


def test_the_published_vector() -> None:
    headers = signature_headers(
        [VECTOR_SECRET], "msg_2Xyz", datetime.fromtimestamp(1700000000, UTC), VECTOR_BODY
    )
    assert headers == {
        "webhook-id": "msg_2Xyz",
        "webhook-timestamp": "1700000000",
        "webhook-signature": VECTOR_SIGNATURE,
    }


def test_two_secrets_give_two_signatures_each_verifiable_alone() -> None:
    old, new = new_secret(), new_secret()
    now = datetime.now(UTC)
    headers = signature_headers([new, old], "msg_1", now, VECTOR_BODY)
    signatures = headers["webhook-signature"].split(" ")
    assert len(signatures) == 2
    assert all(s.startswith("v1,") for s in signatures)
    for secret in (old, new):
        assert Webhook(secret).verify(VECTOR_BODY, headers) == {
            "type": "contact.created",
            "data": {"id": "c_1"},
        }
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(VECTOR_BODY, headers)


def test_a_new_secret_is_32_random_bytes_in_whsec_form() -> None:
    first, second = new_secret(), new_secret()
    assert first.startswith("whsec_")
    assert len(base64.b64decode(first.removeprefix("whsec_"), validate=True)) == 32
    assert first != second


def test_the_body_carries_type_timestamp_schema_version_and_sequence() -> None:
    created = datetime(2024, 5, 1, 12, 0, 0, 123456, UTC)
    body = event_body("customer.updated", created, {"id": 7, "email": "a@example.com"}, 42)
    assert body == (
        '{"type":"customer.updated","timestamp":"2024-05-01T12:00:00.123Z",'
        '"data":{"schema_version":1,"id":7,"email":"a@example.com","sequence":42}}'
    )
