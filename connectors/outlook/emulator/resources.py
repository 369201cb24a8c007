"""Graph's JSON for a stored mail: message ids, folders, recipients, ``$select``."""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime
from typing import Any

from connectors.mailboxes import Address, Entry, Mailbox

FOLDERS = {"inbox": "inbox", "sentitems": "sent"}
ALL_FIELDS = (
    "id",
    "createdDateTime",
    "lastModifiedDateTime",
    "receivedDateTime",
    "sentDateTime",
    "subject",
    "bodyPreview",
    "internetMessageId",
    "conversationId",
    "from",
    "sender",
    "toRecipients",
    "ccRecipients",
    "isRead",
    "hasAttachments",
    "parentFolderId",
)
PREFIX = "AAMkAGI2"


def message_id(key: str) -> str:
    """A Graph-looking id (base64 with padding) that maps back to the mailbox key."""
    return PREFIX + base64.urlsafe_b64encode(bytes.fromhex(key)).decode()


def key_of(graph_id: str) -> str | None:
    if not graph_id.startswith(PREFIX):
        return None
    try:
        return base64.urlsafe_b64decode(graph_id[len(PREFIX) :]).hex()
    except ValueError:
        return None


def folder_id(mailbox: Mailbox, folder: str) -> str:
    digest = hashlib.blake2b(f"{mailbox.email}|{folder}".encode(), digest_size=12).digest()
    return "AQMkAD" + base64.urlsafe_b64encode(digest).decode()


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _recipient(address: Address) -> dict[str, Any]:
    return {"emailAddress": {"name": address.name or address.email, "address": address.email}}


def render(mailbox: Mailbox, entry: Entry, select: list[str] | None = None) -> dict[str, Any]:
    message = entry.message
    conversation = hashlib.blake2b(message.thread_root.encode(), digest_size=16).digest()
    full: dict[str, Any] = {
        "@odata.type": "#microsoft.graph.message",
        "@odata.etag": f'W/"CQAAAB{entry.added_seq}"',
        "id": message_id(entry.key),
        "createdDateTime": _when(message.date),
        "lastModifiedDateTime": _when(message.date),
        "receivedDateTime": _when(message.date),
        "sentDateTime": _when(message.date),
        "subject": message.subject,
        "bodyPreview": " ".join(message.body.split())[:255],
        "internetMessageId": message.message_id,
        "conversationId": "AAQkAD" + base64.urlsafe_b64encode(conversation).decode(),
        "from": _recipient(message.sender),
        "sender": _recipient(message.sender),
        "toRecipients": [_recipient(a) for a in message.to],
        "ccRecipients": [_recipient(a) for a in message.cc],
        "isRead": entry.is_read,
        "hasAttachments": False,
        "parentFolderId": folder_id(mailbox, "inbox" if entry.folder == "inbox" else "sentitems"),
    }
    headers = [{"name": name, "value": value} for name, value in message.extra_headers]
    if select:
        wanted = {"id", *select}
        body = {k: v for k, v in full.items() if k in wanted or k.startswith("@odata")}
        if "internetMessageHeaders" in wanted:
            body["internetMessageHeaders"] = headers
        return body
    return full
