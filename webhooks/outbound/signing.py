"""Standard Webhooks signatures, made with the ``standardwebhooks`` package.

The receiver verifies ``{webhook-id}.{webhook-timestamp}.{body}`` with HMAC-SHA256 under
the endpoint's secret. During a secret rotation both the new and the old secret sign,
and ``webhook-signature`` carries both (space-separated), so a receiver holding either
secret accepts the message and can switch over at its own pace.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import lru_cache

from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret
SECRET_BYTES = 32


def new_secret() -> str:
    """A fresh signing secret: ``whsec_`` + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def signature_headers(
    signing_secrets: Sequence[str], msg_id: str, timestamp: datetime, body: str
) -> dict[str, str]:
    """The three Standard Webhooks headers for one attempt."""
    if not signing_secrets:
        raise ValueError("at least one secret is needed to sign")
    when = timestamp.astimezone(UTC)
    signatures = [_webhook(secret).sign(msg_id, when, body) for secret in signing_secrets]
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(when.timestamp())),
        "webhook-signature": " ".join(signatures),
    }


@lru_cache(maxsize=1024)
def _webhook(secret: str) -> Webhook:
    # Decoding the secret is the costly part of a signature; endpoints repeat.
    return Webhook(secret)
