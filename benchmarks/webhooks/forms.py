"""Signed web-form submissions, built ahead of the clock, for a forms source's hook URL."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from standardwebhooks import Webhook

from benchmarks.webhooks.load import Request
from benchmarks.webhooks.stack import Stack


@dataclass(frozen=True)
class FormsSource:
    path: str
    secret: str


def add_forms_source(stack: Stack, name: str) -> FormsSource:
    """A signed (Standard Webhooks) forms source, created with the CLI as an admin would."""
    printed = stack.crmhub("forms", "add", name, "--auth", "hmac")
    url = re.search(r"https?://\S+/hooks/\d+", printed)
    secret = re.search(r"whsec_[A-Za-z0-9+/=]+", printed)
    if url is None or secret is None:
        raise RuntimeError(f"could not read the hook URL and secret from:\n{printed}")
    return FormsSource(urlsplit(url.group(0)).path, secret.group(0))


def signed_submissions(source: FormsSource, count: int, run: str) -> list[Request]:
    signer = Webhook(source.secret)
    now = datetime.now(UTC)
    requests = []
    for number in range(count):
        key = f"{run}-{number}"
        body = json.dumps(
            {
                "id": key,
                "name": f"Lead {number} Example",
                "email": f"lead{number}.{run}@company{number % 97}.example",
                "company": f"Company {number % 97}",
                "message": "Please call me back about pricing.",
                "submitted_at": now.isoformat(),
            }
        )
        message_id = f"msg_{key}"
        headers = {
            "Content-Type": "application/json",
            "webhook-id": message_id,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": signer.sign(message_id, now, body),
        }
        requests.append(Request(source.path, body.encode(), headers, key))
    return requests
