"""Proof that a post came from the form's owner: a Standard Webhooks signature or a token.

A signature is HMAC-SHA256 over ``{webhook-id}.{webhook-timestamp}.{raw body}`` under
the base64 key after ``whsec_``, compared with ``hmac.compare_digest``; the timestamp
must lie within 300 s of the moment the request arrived, so a captured request cannot
be replayed later. Every refusal says what is wrong and nothing about the secret.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from datetime import datetime

from connectors.base import InboundRequest, WebhookRejected

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret
TOLERANCE_SECONDS = 300


def verify_signature(request: InboundRequest, secret: str) -> None:
    """Raise WebhookRejected(401) unless a v1 signature of the raw body matches."""
    msg_id = request.header("webhook-id")
    timestamp = request.header("webhook-timestamp")
    signatures = request.header("webhook-signature")
    if not (msg_id and timestamp and signatures):
        raise WebhookRejected(
            401, "unsigned: webhook-id, webhook-timestamp and webhook-signature are required"
        )
    _check_timestamp(timestamp, request.received_at)
    expected = _digest(secret, msg_id, timestamp, request.body)
    for candidate in _v1_signatures(signatures):
        if hmac.compare_digest(expected, candidate):
            return
    raise WebhookRejected(401, "the signature does not match")


def verify_token(request: InboundRequest, secret: str) -> None:
    """Raise WebhookRejected(401) unless the secret in the URL is the source's secret."""
    given = (request.path_secret or "").encode()
    if not given:
        raise WebhookRejected(401, "this source takes posts to its URL with the secret in it")
    if not hmac.compare_digest(given, secret.encode()):
        raise WebhookRejected(401, "the secret in the URL does not match")


def _check_timestamp(raw: str, now: datetime) -> None:
    try:
        sent = int(raw)
    except ValueError:
        raise WebhookRejected(401, "webhook-timestamp is not a number of seconds") from None
    if abs(now.timestamp() - sent) > TOLERANCE_SECONDS:
        raise WebhookRejected(
            401, f"webhook-timestamp is more than {TOLERANCE_SECONDS} s from our clock"
        )


def _digest(secret: str, msg_id: str, timestamp: str, body: bytes) -> bytes:
    key = _key(secret)
    return hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()


def _key(secret: str) -> bytes:
    encoded = secret.removeprefix(SECRET_PREFIX)
    return base64.b64decode(encoded + "=" * (-len(encoded) % 4))


def _v1_signatures(header: str) -> list[bytes]:
    """The v1 signatures of a space-separated list; others and garbled ones are ignored."""
    found = []
    for entry in header.split():
        version, _, encoded = entry.partition(",")
        if version != "v1":
            continue
        try:
            found.append(base64.b64decode(encoded, validate=True))
        except (binascii.Error, ValueError):
            continue
    return found
