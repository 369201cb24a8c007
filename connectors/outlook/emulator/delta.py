"""Delta queries over a mailbox folder, derived from the mailbox's change log.

Tokens carry their own state (base64 JSON): the last sync point (``s``), the end of the
current round (``u``), how far this round has read (``a``), the ``$select`` and
``$filter`` of the first call, and the folder's generation (``g``). Expiring a folder's
tokens bumps its generation; older tokens then answer 410 Gone / syncStateNotFound, as
Graph does when it drops sync state.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote

from connectors.mailboxes import Mailbox
from connectors.outlook.emulator import resources
from connectors.outlook.emulator.errors import GraphError


@dataclass
class DeltaToken:
    mailbox: str
    folder: str
    generation: int
    since: int = 0
    upto: int | None = None
    after: int = 0
    select: list[str] = field(default_factory=list)
    received_from_ms: int | None = None

    def encode(self) -> str:
        raw = {
            "m": self.mailbox,
            "f": self.folder,
            "g": self.generation,
            "s": self.since,
            "u": self.upto,
            "a": self.after,
            "sel": self.select,
            "flt": self.received_from_ms,
        }
        return base64.urlsafe_b64encode(json.dumps(raw).encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> DeltaToken:
        try:
            raw = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
            return cls(
                raw["m"], raw["f"], raw["g"], raw["s"], raw["u"], raw["a"], raw["sel"], raw["flt"]
            )
        except (ValueError, KeyError, TypeError) as error:
            raise GraphError(400, "BadRequest", "Invalid delta token.") from error


def parse_filter(expression: str | None) -> int | None:
    """Only ``receivedDateTime ge <ISO time>`` is allowed on message delta."""
    if not expression:
        return None
    parts = expression.split()
    if len(parts) != 3 or parts[0] != "receivedDateTime" or parts[1] not in ("ge", "gt"):
        raise GraphError.bad_request("Only receivedDateTime ge <time> is supported on delta.")
    try:
        moment = datetime.fromisoformat(parts[2].replace("Z", "+00:00"))
    except ValueError as error:
        raise GraphError.bad_request(f"Invalid time {parts[2]!r}.") from error
    return int(moment.timestamp() * 1000)


def page(mailbox: Mailbox, state: DeltaToken, size: int, link_base: str) -> dict[str, Any]:
    """One page of a delta round, with ``@odata.nextLink`` or ``@odata.deltaLink``."""
    folder = resources.FOLDERS[state.folder]
    upto = mailbox.seq if state.upto is None else state.upto
    values: list[dict[str, Any]] = []
    last = state.after
    more = False
    for change in mailbox.changes_after(max(state.since, state.after)):
        if change.seq > upto:
            break
        if len(values) == size:
            more = True
            break
        last = change.seq
        entry = change.entry
        if entry.folder != folder:
            continue
        if state.received_from_ms is not None and entry.message.date_ms < state.received_from_ms:
            continue
        if change.kind == "added":
            if entry.deleted_seq is not None and entry.deleted_seq <= upto:
                continue
            values.append(resources.render(mailbox, entry, state.select or None))
        elif state.since > 0:
            values.append(
                {"id": resources.message_id(entry.key), "@removed": {"reason": "deleted"}}
            )
    body: dict[str, Any] = {"value": values}
    if more:
        following = DeltaToken(**{**state.__dict__, "upto": upto, "after": last})
        body["@odata.nextLink"] = f"{link_base}?$skiptoken={quote(following.encode())}"
    else:
        done = DeltaToken(
            state.mailbox,
            state.folder,
            state.generation,
            since=upto,
            select=state.select,
            received_from_ms=state.received_from_ms,
        )
        body["@odata.deltaLink"] = f"{link_base}?$deltatoken={quote(done.encode())}"
    return body
