"""The connector contract: a connector is a declaration, the framework runs the loop.

A connector class states what kind of tool it speaks to, how it authenticates, which
settings it takes (a marshmallow schema; secret fields carry ``metadata={"secret":
True}``) and which streams it offers. A stream states what it yields, what its cursor
is, and how to fetch one page from a cursor. The framework, not the connector, owns
checkpointing, retries, progress and locking; ``read_pages`` is the part of that loop
every caller shares. A tool that pushes events declares how a webhook is verified
(``verify_webhook``), read (``parse_webhook``) and mapped (``map_webhook``) on a plain
``InboundRequest``: the web layer that received it is not the connector's business.
Write-back and connection tests are added here as the connectors that need them arrive.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Literal

from marshmallow import Schema

AuthKind = Literal["google_oauth", "microsoft_oauth", "api_key", "webhook_secret", "none"]
AUTH_KINDS: tuple[AuthKind, ...] = (
    "google_oauth",
    "microsoft_oauth",
    "api_key",
    "webhook_secret",
    "none",
)
Yields = Literal["customer", "activity"]
CursorKind = Literal["history_id", "delta_link", "timestamp", "export_cursor", "offset"]
Cursor = dict[str, Any]


@dataclass(frozen=True, slots=True)
class SourceItem:
    """One record as the tool gave it, before mapping.

    ``external_id`` is None when the tool has no id of its own (a CSV row without an
    id column); ``position`` places it in the source for messages (a CSV line).
    """

    payload: dict[str, Any]
    external_id: str | None = None
    position: int | None = None


@dataclass(frozen=True, slots=True)
class SkippedItem:
    """A record the connector could not read; the rest of the page goes on."""

    position: int | None
    reason: str


@dataclass(frozen=True, slots=True)
class Page:
    """One fetched page; ``next_cursor`` is None when the stream is exhausted."""

    items: tuple[SourceItem, ...]
    next_cursor: Cursor | None
    skipped: tuple[SkippedItem, ...] = ()
    # Stored when the stream ends (Gmail's historyId, Graph's deltaLink), so the next
    # run picks up from there instead of starting over.
    checkpoint: Cursor | None = None


@dataclass(frozen=True, slots=True)
class Stream:
    """One stream of a connector: what it yields and how to page through it."""

    name: str
    yields: Yields
    cursor_kind: CursorKind
    fetch: Callable[[Any, Cursor | None], Page]


class RepeatedCursor(RuntimeError):
    """A stream handed back a cursor it had already given: stop rather than loop."""


@dataclass(frozen=True, slots=True)
class InboundRequest:
    """A webhook as it arrived, whatever server received it.

    ``headers`` has lower-case names; ``body`` is the raw bytes the signature covers;
    ``path_secret`` is the secret given in the URL, for tools that cannot sign;
    ``received_at`` is when it arrived, the "now" of any timestamp check.
    """

    headers: Mapping[str, str]
    body: bytes
    content_type: str
    received_at: datetime
    path_secret: str | None = None

    @property
    def media_type(self) -> str:
        """The content type without its parameters, lower case (``application/json``)."""
        return self.content_type.split(";", 1)[0].strip().lower()

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


@dataclass(frozen=True, slots=True)
class ParsedEvent:
    """A verified webhook, read: its dedupe key stops replays, ``payload`` is what maps."""

    dedupe_key: str
    event_type: str
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class MappedCustomer:
    """A person an event tells about, ready for identity resolution."""

    external_id: str
    raw: dict[str, Any]
    mapped: dict[str, Any]


@dataclass(frozen=True, slots=True)
class MappedEvent:
    """What one webhook becomes: a customer, an activity (canonical JSON form), or both."""

    customer: MappedCustomer | None = None
    activity: dict[str, Any] | None = None


class WebhookRejected(Exception):
    """A webhook refused before it is stored; ``status`` is the HTTP answer it earns."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class UnusableEvent(ValueError):
    """A stored event that cannot become a customer or an activity; the text says why."""


class Connector:
    """Base of every connector class; an instance serves one account's settings."""

    kind: ClassVar[str]
    display_name: ClassVar[str]
    auth_kind: ClassVar[AuthKind] = "none"
    settings_schema: ClassVar[type[Schema]]
    streams: ClassVar[tuple[Stream, ...]] = ()
    webhook_media_types: ClassVar[tuple[str, ...]] = ()  # empty: takes no webhooks

    def __init__(self, settings: Mapping[str, Any]) -> None:
        self.settings: dict[str, Any] = self.validate_settings(settings)

    @classmethod
    def validate_settings(cls, settings: Mapping[str, Any]) -> dict[str, Any]:
        """Settings loaded through the schema; raises marshmallow's ValidationError."""
        return dict(cls.settings_schema().load(dict(settings)))

    @classmethod
    def secret_fields(cls) -> tuple[str, ...]:
        """Settings that must be stored encrypted and never shown back."""
        fields = cls.settings_schema().fields
        return tuple(name for name, field in fields.items() if field.metadata.get("secret"))

    @classmethod
    def stream(cls, name: str) -> Stream:
        """The declared stream of that name."""
        for stream in cls.streams:
            if stream.name == name:
                return stream
        raise LookupError(f"{cls.kind} has no stream {name!r}")

    def fetch_page(self, stream_name: str, cursor: Cursor | None) -> Page:
        """One page of a stream from a cursor (None: from the beginning)."""
        return self.stream(stream_name).fetch(self, cursor)

    @classmethod
    def takes_webhooks(cls) -> bool:
        return bool(cls.webhook_media_types)

    def verify_webhook(self, request: InboundRequest, secret: str | None) -> None:
        """Raise WebhookRejected (401) unless the request proves it came from the tool."""
        raise WebhookRejected(404, f"{self.display_name} takes no webhooks")

    def parse_webhook(self, request: InboundRequest) -> ParsedEvent:
        """Read a verified request; WebhookRejected (400) when its content is unusable."""
        raise WebhookRejected(404, f"{self.display_name} takes no webhooks")

    def map_webhook(self, event: ParsedEvent) -> MappedEvent:
        """Turn a stored event into canonical records; UnusableEvent says why it cannot."""
        raise UnusableEvent(f"{self.display_name} takes no webhooks")


def read_pages(
    connector: Connector, stream_name: str, cursor: Cursor | None = None
) -> Iterator[Page]:
    """Every page of a stream from a cursor, refusing a cursor that comes back twice."""
    seen: set[str] = set()
    while True:
        page = connector.fetch_page(stream_name, cursor)
        yield page
        if page.next_cursor is None:
            return
        token = repr(sorted(page.next_cursor.items()))
        if token in seen:
            raise RepeatedCursor(f"{connector.kind}.{stream_name} repeated cursor {token}")
        seen.add(token)
        cursor = page.next_cursor
