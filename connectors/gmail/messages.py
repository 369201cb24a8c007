"""A Gmail message (format=metadata) as the email rules read it."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import getaddresses, parsedate_to_datetime
from typing import Any

from core.activities.email import Address, EmailMessage


def to_email_message(message: dict[str, Any]) -> EmailMessage:
    headers = {
        str(h.get("name", "")).lower(): str(h.get("value", ""))
        for h in message.get("payload", {}).get("headers", [])
    }
    sender = _addresses(headers.get("from", ""))
    return EmailMessage(
        provider_id=str(message["id"]),
        message_id=headers.get("message-id", "").strip(),
        thread_id=str(message.get("threadId", "")),
        sent_at=_sent_at(message, headers),
        sender=sender[0] if sender else None,
        to=tuple(_addresses(headers.get("to", ""))),
        cc=tuple(_addresses(headers.get("cc", ""))),
        subject=headers.get("subject", "")[:500],
        snippet=str(message.get("snippet", "")),
        headers={k: v for k, v in headers.items() if k not in ("from", "to", "cc")},
    )


def _addresses(header: str) -> list[Address]:
    found = []
    for name, email in getaddresses([header]):
        address = Address.parse(email, name) if email else None
        if address is not None:
            found.append(address)
    return found


def _sent_at(message: dict[str, Any], headers: dict[str, str]) -> datetime:
    """Gmail's internalDate (epoch ms) is what it sorts by; the Date header is a fallback."""
    internal = message.get("internalDate")
    if internal:
        return datetime.fromtimestamp(int(internal) / 1000, tz=UTC)
    try:
        moment = parsedate_to_datetime(headers.get("date", ""))
    except (TypeError, ValueError):
        return datetime.now(UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
