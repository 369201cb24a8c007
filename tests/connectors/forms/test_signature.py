"""Signed posts are checked over the raw bytes, within 300 s, against the library's format."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from connectors.base import WebhookRejected
from connectors.forms import new_secret
from connectors.forms.signature import verify_signature, verify_token
from tests.webhooks.inbound.senders import json_body, signed_request, token_request

SECRET = new_secret("hmac")
OTHER = new_secret("hmac")
BODY = json_body()


def _refusal(request, secret: str = SECRET) -> WebhookRejected:
    with pytest.raises(WebhookRejected) as caught:
        verify_signature(request, secret)
    return caught.value


def test_a_post_signed_by_the_reference_library_passes() -> None:
    verify_signature(signed_request(SECRET, BODY), SECRET)


def test_the_signature_covers_the_raw_bytes_not_the_parsed_json() -> None:
    request = signed_request(SECRET, BODY)
    respaced = replace(request, body=BODY.replace(b": ", b":"))  # the same JSON value
    refusal = _refusal(respaced)
    assert (refusal.status, refusal.reason) == (401, "the signature does not match")


def test_a_post_signed_with_another_secret_is_refused() -> None:
    assert _refusal(signed_request(OTHER, BODY)).status == 401


@pytest.mark.parametrize("missing", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_an_unsigned_post_is_refused(missing: str) -> None:
    request = signed_request(SECRET, BODY)
    headers = {name: value for name, value in request.headers.items() if name != missing}
    refusal = _refusal(replace(request, headers=headers))
    assert refusal.status == 401
    assert "required" in refusal.reason


@pytest.mark.parametrize("age", [timedelta(seconds=301), timedelta(seconds=-301)])
def test_a_timestamp_outside_300_seconds_is_refused(age: timedelta) -> None:
    refusal = _refusal(signed_request(SECRET, BODY, age=age))
    assert (refusal.status, refusal.reason) == (
        401,
        "webhook-timestamp is more than 300 s from our clock",
    )


def test_a_timestamp_just_inside_the_window_passes() -> None:
    verify_signature(signed_request(SECRET, BODY, age=timedelta(seconds=290)), SECRET)


def test_one_matching_signature_among_several_is_enough() -> None:
    request = signed_request(SECRET, BODY)
    others = signed_request(OTHER, BODY, msg_id=request.header("webhook-id"))
    mine, theirs = request.header("webhook-signature"), others.header("webhook-signature")
    both = {**request.headers, "webhook-signature": f"v1,garbage!! {theirs} {mine}"}
    verify_signature(replace(request, headers=both), SECRET)


def test_a_garbled_signature_header_is_a_refusal_not_a_crash() -> None:
    request = signed_request(SECRET, BODY)
    for garbled in ("v1", "v1,", "v2,abc", "v1,%%%", "nonsense"):
        headers = {**request.headers, "webhook-signature": garbled}
        assert _refusal(replace(request, headers=headers)).status == 401
    headers = {**request.headers, "webhook-timestamp": "yesterday"}
    assert _refusal(replace(request, headers=headers)).status == 401


def test_the_token_must_equal_the_secret() -> None:
    token = new_secret("token")
    verify_token(token_request(token, b"a=1"), token)
    for wrong in (None, "", token[:-1], new_secret("token")):
        with pytest.raises(WebhookRejected) as caught:
            verify_token(token_request(wrong, b"a=1"), token)
        assert caught.value.status == 401


def test_token_secrets_fit_in_a_url_and_signing_secrets_are_standard() -> None:
    token = new_secret("token")
    assert token.startswith("whsec_")
    assert set(token.removeprefix("whsec_")) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    )
    signing = new_secret("hmac")
    assert signing.startswith("whsec_")
    assert len(signing) == len("whsec_") + 44  # base64 of 32 bytes
