"""The Gmail resources themselves: list, get, history, profile, watch, stop.

Each handler takes the caller's mailbox and the request's arguments and returns
``(status, json)``; quota, auth and faults are the caller's business (``app.py``).
"""

from __future__ import annotations

import base64
import bisect
import time
from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict

from connectors.gmail.emulator import query as gmail_query
from connectors.gmail.emulator import resources
from connectors.gmail.emulator.errors import ApiError
from connectors.gmail.emulator.settings import GmailFaults, GmailLimits
from connectors.mailboxes import Mailbox

HISTORY_TYPES = {"messageAdded", "messageDeleted", "labelAdded", "labelRemoved"}
KIND_TO_TYPE = {"added": "messageAdded", "deleted": "messageDeleted"}


@dataclass
class GmailState:
    """What Gmail remembers per user beyond the mail: watches and expired history."""

    limits: GmailLimits
    faults: GmailFaults
    history_floor: dict[str, int] = field(default_factory=dict)
    watches: dict[str, dict[str, Any]] = field(default_factory=dict)


def _int(args: MultiDict[str, str], name: str, default: int, ceiling: int) -> int:
    raw = args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError as error:
        raise ApiError.invalid(f"Invalid value for {name}: {raw}") from error
    return max(1, min(value, ceiling))


def _encode(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode(token: str) -> str:
    try:
        return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except ValueError as error:
        raise ApiError.invalid("Invalid pageToken") from error


def list_messages(state: GmailState, mailbox: Mailbox, args: MultiDict[str, str]) -> dict[str, Any]:
    size = _int(args, "maxResults", 100, state.limits.max_page)
    try:
        parsed = gmail_query.parse(args.get("q", ""))
    except gmail_query.QueryError as error:
        raise ApiError.invalid(f"Invalid query: {error}") from error
    for label in args.getlist("labelIds"):
        parsed.tests.append(lambda entry, label=label: label in resources.labels(entry))
    before = None
    if token := args.get("pageToken"):
        date_ms, _, key = _decode(token).partition(":")
        if not date_ms.isdigit():
            raise ApiError.invalid("Invalid pageToken")
        before = (int(date_ms), key)
    page: list[dict[str, object]] = []
    more, last = False, (0, "")
    for entry in mailbox.newest_first(before):
        if parsed.after_ms is not None and entry.message.date_ms < parsed.after_ms:
            break
        if not parsed.matches(entry):
            continue
        if len(page) == size:
            more = True
            break
        page.append(resources.reference(mailbox.email, entry))
        last = entry.sort_key
    body: dict[str, Any] = {"resultSizeEstimate": len(page)}
    if page:
        body["messages"] = page
    if more:
        body["nextPageToken"] = _encode(f"{last[0]}:{last[1]}")
        body["resultSizeEstimate"] = mailbox.live_count()
    return body


def get_message(mailbox: Mailbox, message_id: str, args: MultiDict[str, str]) -> dict[str, Any]:
    fmt = args.get("format", "full")
    if fmt not in resources.FORMATS:
        raise ApiError.invalid(f"Invalid value for format: {fmt}")
    entry = mailbox.live(message_id)
    if entry is None:
        raise ApiError.not_found()
    return resources.render(mailbox.email, entry, fmt, args.getlist("metadataHeaders"))


def history_floor(state: GmailState, mailbox: Mailbox) -> int:
    """The lowest startHistoryId still accepted: older cursors get 404."""
    current = resources.history_id(mailbox.seq)
    cutoff = time.time() - state.limits.history_max_age
    log = mailbox.changes_after(0)
    oldest_kept = bisect.bisect_left(log, cutoff, key=lambda change: change.at)
    by_age = resources.history_id(log[oldest_kept].seq - 1) if oldest_kept < len(log) else current
    return max(by_age, state.history_floor.get(mailbox.email, 0))


def list_history(state: GmailState, mailbox: Mailbox, args: MultiDict[str, str]) -> dict[str, Any]:
    raw = args.get("startHistoryId")
    if raw is None or not raw.isdigit():
        raise ApiError.invalid("Missing or invalid startHistoryId")
    start = int(raw)
    if state.faults.history_404_next > 0:
        state.faults.history_404_next -= 1
        raise ApiError.not_found()
    if start < history_floor(state, mailbox):
        raise ApiError.not_found()
    wanted = set(args.getlist("historyTypes")) or HISTORY_TYPES
    if unknown := wanted - HISTORY_TYPES:
        raise ApiError.invalid(f"Invalid historyTypes: {sorted(unknown)}")
    label = args.get("labelId")
    size = _int(args, "maxResults", 100, state.limits.max_page)
    after = start - resources.HISTORY_BASE
    if token := args.get("pageToken"):
        decoded = _decode(token)
        if not decoded.isdigit():
            raise ApiError.invalid("Invalid pageToken")
        after = int(decoded)
    records: list[dict[str, Any]] = []
    next_token, last_seq = None, after
    for change in mailbox.changes_after(after):
        kind = KIND_TO_TYPE[change.kind]
        entry = change.entry
        if kind not in wanted or (label and label not in resources.labels(entry)):
            continue
        if len(records) == size:
            next_token = _encode(str(last_seq))
            break
        reference = resources.reference(mailbox.email, entry)
        detail = {"message": {**reference, "labelIds": resources.labels(entry)}}
        listed = "messagesAdded" if kind == "messageAdded" else "messagesDeleted"
        records.append(
            {
                "id": str(resources.history_id(change.seq)),
                "messages": [reference],
                listed: [detail],
            }
        )
        last_seq = change.seq
    body: dict[str, Any] = {"historyId": str(resources.history_id(mailbox.seq))}
    if records:
        body["history"] = records
    if next_token:
        body["nextPageToken"] = next_token
    return body


def profile(mailbox: Mailbox) -> dict[str, Any]:
    live = [entry for entry in list(mailbox.entries.values()) if not entry.deleted]
    return {
        "emailAddress": mailbox.email,
        "messagesTotal": len(live),
        "threadsTotal": len({entry.message.thread_root for entry in live}),
        "historyId": str(resources.history_id(mailbox.seq)),
    }


def watch(state: GmailState, mailbox: Mailbox, body: dict[str, Any]) -> dict[str, Any]:
    topic = body.get("topicName")
    if not isinstance(topic, str) or not topic.startswith("projects/"):
        raise ApiError.invalid("Invalid topicName: expected projects/<project>/topics/<topic>")
    expiration = int((time.time() + 7 * 24 * 3600) * 1000)
    state.watches[mailbox.email] = {**body, "expiration": expiration}
    return {"historyId": str(resources.history_id(mailbox.seq)), "expiration": str(expiration)}


def stop(state: GmailState, mailbox: Mailbox) -> None:
    state.watches.pop(mailbox.email, None)
