"""Verifying a push token and reading a push body, against a self-made Google."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator

import pytest
import responses

from connectors.gmail import push
from connectors.gmail.push import PushConfig, PushRejected, parse_notification, verify_push
from tests.connectors.gmail_push import signing

CONFIG = PushConfig(signing.AUDIENCE, signing.SERVICE_ACCOUNT, signing.CERTS_URL)


@pytest.fixture
def google() -> Iterator[responses.RequestsMock]:
    push._CACHE.clear()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.get(signing.CERTS_URL, json=signing.certificates())
        yield mock
    push._CACHE.clear()


def body(payload: object) -> bytes:
    data = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")
    return json.dumps({"message": {"data": data, "messageId": "1"}, "subscription": "s"}).encode()


def test_a_google_token_is_accepted_and_certificates_are_reused(
    google: responses.RequestsMock,
) -> None:
    claims = verify_push(f"Bearer {signing.token()}", CONFIG)
    verify_push(f"Bearer {signing.token()}", CONFIG)

    assert claims["email"] == signing.SERVICE_ACCOUNT
    assert len(google.calls) == 1


def test_rotated_keys_are_fetched_again_once(google: responses.RequestsMock) -> None:
    verify_push(f"Bearer {signing.token()}", CONFIG)
    google.replace(responses.GET, signing.CERTS_URL, json=signing.certificates("rotated"))

    verify_push(f"Bearer {signing.token('rotated')}", CONFIG)

    assert len(google.calls) == 2


@pytest.mark.parametrize(
    ("authorization", "reason"),
    [
        (None, "no bearer token"),
        ("Basic abc", "no bearer token"),
        (f"Bearer {signing.token('forger')}", "token refused"),
        (f"Bearer {signing.token(aud='https://elsewhere.test/push')}", "token refused"),
        (f"Bearer {signing.token(iss='https://evil.test')}", "wrong issuer"),
        (f"Bearer {signing.token(email='someone@evil.test')}", "another service account"),
        (f"Bearer {signing.token(email_verified=False)}", "not verified"),
        (f"Bearer {signing.token(email_verified=None)}", "not verified"),
        (f"Bearer {signing.token(iat=int(time.time()) - 7200, exp=int(time.time()) - 3600)}",
         "token refused"),
    ],
    ids=["missing", "not-bearer", "bad-signature", "wrong-audience", "wrong-issuer",
         "wrong-email", "unverified", "no-verified-claim", "expired"],
)  # fmt: skip
def test_tokens_that_do_not_prove_google_are_refused(
    google: responses.RequestsMock, authorization: str | None, reason: str
) -> None:
    with pytest.raises(PushRejected) as refused:
        verify_push(authorization, CONFIG)

    assert refused.value.status == 401
    assert reason in refused.value.reason


def test_nothing_is_accepted_without_a_configured_service_account(
    google: responses.RequestsMock,
) -> None:
    with pytest.raises(PushRejected) as refused:
        verify_push(
            f"Bearer {signing.token()}", PushConfig(signing.AUDIENCE, "", signing.CERTS_URL)
        )

    assert refused.value.status == 401


def test_unreachable_certificates_answer_503_so_pubsub_retries() -> None:
    push._CACHE.clear()
    with responses.RequestsMock() as mock:
        mock.get(signing.CERTS_URL, status=500)
        with pytest.raises(PushRejected) as refused:
            verify_push(f"Bearer {signing.token()}", CONFIG)

    assert refused.value.status == 503


def test_a_push_body_names_the_mailbox_and_history_id() -> None:
    notification = parse_notification(body({"emailAddress": "Rep@X.io", "historyId": 1234}))

    assert notification == push.Notification("rep@x.io", "1234")


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b"{}",
        json.dumps({"message": {"data": "%%%"}}).encode(),
        body({"historyId": 1}),
        body({"emailAddress": "rep@x.io", "historyId": "abc"}),
        body(["list"]),
    ],
)
def test_unreadable_bodies_are_400(raw: bytes) -> None:
    with pytest.raises(PushRejected) as refused:
        parse_notification(raw)

    assert refused.value.status == 400
