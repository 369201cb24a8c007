"""A Graph message (delta JSON) as the email rules read it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from core.activities.email import Address, EmailMessage

ADDRESS_HEADERS = ("from", "to", "cc")


def is_removed(item: dict[str, Any]) -> bool:
    """Delta reports a deletion as ``{"id": ..., "@removed": {"reason": ...}}``."""
    return "@removed" in item


def to_email_message(item: dict[str, Any]) -> EmailMessage:
    return EmailMessage(
        provider_id=str(item["id"]),
        message_id=str(item.get("internetMessageId") or "").strip(),
        thread_id=str(item.get("conversationId") or ""),
        sent_at=_sent_at(item),
        sender=_address(item.get("from")),
        to=_addresses(item.get("toRecipients")),
        cc=_addresses(item.get("ccRecipients")),
        subject=str(item.get("subject") or "")[:500],
        snippet=str(item.get("bodyPreview") or ""),
        headers=_headers(item.get("internetMessageHeaders")),
    )


def _address(recipient: Any) -> Address | None:
    if not isinstance(recipient, dict):
        return None
    inner = recipient.get("emailAddress") or {}
    email = str(inner.get("address") or "")
    return Address.parse(email, str(inner.get("name") or "")) if email else None


def _addresses(recipients: Any) -> tuple[Address, ...]:
    found = (_address(r) for r in recipients or ())
    return tuple(address for address in found if address is not None)


def _headers(headers: Any) -> dict[str, str]:
    """Lower-case names; the address headers are already in the message's fields."""
    named = (
        (str(h.get("name", "")).lower(), str(h.get("value", "")))
        for h in headers or ()
        if isinstance(h, dict)
    )
    return {name: value for name, value in named if name and name not in ADDRESS_HEADERS}


def _sent_at(item: dict[str, Any]) -> datetime:
    """When it was sent; received time for mail without one (drafts never reach here)."""
    for field in ("sentDateTime", "receivedDateTime"):
        value = item.get(field)
        if value:
            moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return datetime.now(UTC)
