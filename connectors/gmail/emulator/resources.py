"""Gmail's JSON shapes for a stored mail: ids, labels, headers, the formats of messages.get."""

from __future__ import annotations

import base64
from email.utils import format_datetime

from connectors.mailboxes import Entry, Message
from connectors.mailboxes.model import entry_key

HISTORY_BASE = 1_000_000
FORMATS = ("minimal", "metadata", "full", "raw")


def history_id(seq: int) -> int:
    """Gmail history ids are large increasing numbers; ours are a mailbox's change seq."""
    return HISTORY_BASE + seq


def thread_id(owner: str, message: Message) -> str:
    return entry_key(owner, message.thread_root, "inbox")


def labels(entry: Entry) -> list[str]:
    if entry.folder == "sent":
        return ["SENT"]
    found = ["INBOX"]
    if not entry.is_read:
        found.append("UNREAD")
    message = entry.message
    if message.automated:
        promo = any(name == "List-Unsubscribe" for name, _ in message.extra_headers)
        found.append("CATEGORY_PROMOTIONS" if promo else "CATEGORY_UPDATES")
    else:
        found.extend(("CATEGORY_PERSONAL", "IMPORTANT"))
    return found


def headers(message: Message) -> list[dict[str, str]]:
    found = [
        ("MIME-Version", "1.0"),
        ("Date", format_datetime(message.date)),
        ("Message-ID", message.message_id),
        ("Subject", message.subject),
        ("From", message.sender.formatted()),
        ("To", ", ".join(a.formatted() for a in message.to)),
    ]
    if message.cc:
        found.append(("Cc", ", ".join(a.formatted() for a in message.cc)))
    if message.in_reply_to:
        found.append(("In-Reply-To", message.in_reply_to))
        found.append(("References", " ".join(message.references)))
    found.extend(message.extra_headers)
    found.append(("Content-Type", 'text/plain; charset="UTF-8"'))
    return [{"name": name, "value": value} for name, value in found]


def rfc822(message: Message) -> bytes:
    lines = [f"{h['name']}: {h['value']}" for h in headers(message)]
    return ("\r\n".join(lines) + "\r\n\r\n" + message.body.replace("\n", "\r\n")).encode()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii")


def render(
    owner: str, entry: Entry, fmt: str = "full", wanted_headers: list[str] | None = None
) -> dict[str, object]:
    message = entry.message
    raw = rfc822(message)
    body: dict[str, object] = {
        "id": entry.key,
        "threadId": thread_id(owner, message),
        "labelIds": labels(entry),
        "snippet": " ".join(message.body.split())[:120],
        "sizeEstimate": len(raw),
        "historyId": str(history_id(entry.added_seq)),
        "internalDate": str(message.date_ms),
    }
    if fmt == "minimal":
        return body
    if fmt == "raw":
        body["raw"] = _b64(raw)
        return body
    all_headers = headers(message)
    if fmt == "metadata":
        if wanted_headers:
            wanted = {name.lower() for name in wanted_headers}
            all_headers = [h for h in all_headers if h["name"].lower() in wanted]
        body["payload"] = {"mimeType": "text/plain", "headers": all_headers}
        return body
    text = message.body.encode()
    body["payload"] = {
        "partId": "",
        "mimeType": "text/plain",
        "filename": "",
        "headers": all_headers,
        "body": {"size": len(text), "data": _b64(text)},
    }
    return body


def reference(owner: str, entry: Entry) -> dict[str, object]:
    return {"id": entry.key, "threadId": thread_id(owner, entry.message)}
