"""The Graph mail calls crmhub makes (delta pages of one folder), with quota and retries.

Errors are translated once, here: 429 and 503 become RateLimited with ``Retry-After``
and the mailbox's budget is closed until then, so no request of this mailbox goes out
before that moment; other 5xx and network errors are Transient; 410 Gone, or any 4xx
whose ``error.code`` is syncStateNotFound / resyncRequired, is CursorExpired; a 401
refreshes the token once and tries again.

Graph allows 4 concurrent requests per mailbox. A semaphore per mailbox, shared by the
process, holds every client to that. The sync itself is sequential (one request at a
time, one sync per mailbox by the lease), so the semaphore matters only when other
callers in the same process (renewals, a second client) talk to the same mailbox.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

import requests

from connectors.sync.budget import RateBudget
from connectors.sync.errors import CursorExpired, RateLimited, Transient
from connectors.sync.retrying import with_retries

FIELDS = (
    "id", "receivedDateTime", "sentDateTime", "subject", "bodyPreview", "internetMessageId",
    "conversationId", "from", "toRecipients", "ccRecipients", "isRead", "hasAttachments",
    "parentFolderId",
    # The automated-mail rules read List-Unsubscribe, Auto-Submitted and Precedence.
    "internetMessageHeaders",
)  # fmt: skip
FOLDERS = ("inbox", "sentitems")
EXPIRED_CODES = frozenset({"syncstatenotfound", "resyncrequired"})
MAILBOX_CONCURRENCY = 4
REQUESTS_PER_10_MINUTES = 10_000
TokenSource = Callable[[str | None], str]  # (rejected token or None) -> a valid token

_slots: dict[str, threading.BoundedSemaphore] = {}
_slots_lock = threading.Lock()


def mailbox_slots(mailbox: str) -> threading.BoundedSemaphore:
    """The process-wide semaphore of one mailbox: at most 4 requests in flight."""
    with _slots_lock:
        return _slots.setdefault(mailbox.lower(), threading.BoundedSemaphore(MAILBOX_CONCURRENCY))


class GraphRequestFailed(Exception):
    """Graph refused a request for a reason retrying cannot fix (403, 404, 400...)."""

    def __init__(self, status: int, code: str) -> None:
        super().__init__(f"Graph answered {status} {code}")
        self.status, self.code = status, code


@dataclass(frozen=True)
class DeltaPage:
    """One page of a folder's delta: its items and exactly one of the two links."""

    items: list[dict[str, Any]]
    next_link: str | None
    delta_link: str | None


class GraphClient:
    """One mailbox's Graph client (``user`` is its Graph user id or address)."""

    def __init__(
        self,
        graph_url: str,
        user: str,
        token: TokenSource,
        http: requests.Session,
        *,
        budget: RateBudget | None = None,
        page_size: int = 100,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.graph_url = graph_url.rstrip("/")
        self.user = user
        self._token_source = token
        self._token: str | None = None  # fetched on first use, inside the sync run
        self.http = http
        self.budget = budget or RateBudget(REQUESTS_PER_10_MINUTES, 600)
        self.page_size = page_size
        self.timeout = timeout
        self._sleep = sleep
        self._slots = mailbox_slots(user)
        self.requests = 0

    def delta_start(self, folder: str, received_since: datetime | None = None) -> str:
        """The first delta URL of a folder: every message (since a moment, if given)."""
        query = {"$select": ",".join(FIELDS)}
        if received_since is not None:
            query["$filter"] = (
                f"receivedDateTime ge {received_since.strftime('%Y-%m-%dT%H:%M:%SZ')}"
            )
        user = quote(self.user, safe="@")
        base = f"{self.graph_url}/users/{user}/mailFolders/{folder}/messages/delta"
        return f"{base}?{urlencode(query, quote_via=quote, safe='$,')}"

    def delta_page(self, url: str) -> DeltaPage:
        """One page from a start, next or delta link."""
        body = self.get(url, prefer=f'odata.maxpagesize={self.page_size}, IdType="ImmutableId"')
        return DeltaPage(
            list(body.get("value", [])),
            body.get("@odata.nextLink"),
            body.get("@odata.deltaLink"),
        )

    def get(self, url: str, *, prefer: str = "") -> dict[str, Any]:
        headers = {"Prefer": prefer} if prefer else {}
        return with_retries(lambda: self._once("GET", url, headers, None), sleep=self._sleep)

    def send(self, method: str, url: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """A write (subscriptions): retried on rate limits like reads."""
        return with_retries(lambda: self._once(method, url, {}, body), sleep=self._sleep)

    def _once(
        self, method: str, url: str, headers: dict[str, str], body: dict[str, Any] | None
    ) -> dict[str, Any]:
        for attempt in range(2):
            if self._token is None:
                self._token = self._token_source(None)
            self.budget.spend(1)
            response = self._send(
                method, url, {**headers, "Authorization": f"Bearer {self._token}"}, body
            )
            if response.status_code == 401 and attempt == 0:
                self._token = self._token_source(self._token)
                continue
            return self._read(response)
        raise Transient("Graph refused a freshly refreshed token")

    def _send(
        self, method: str, url: str, headers: dict[str, str], body: dict[str, Any] | None
    ) -> requests.Response:
        with self._slots:
            self.requests += 1
            try:
                return self.http.request(
                    method, url, headers=headers, json=body, timeout=self.timeout
                )
            except requests.RequestException as error:
                raise Transient(f"Graph unreachable: {type(error).__name__}") from error

    def _read(self, response: requests.Response) -> dict[str, Any]:
        status = response.status_code
        if status in (429, 503):
            wait = retry_after(response)
            if wait is not None:
                self.budget.close_until(wait)
                raise RateLimited(f"Graph answered {status}", wait)
            if status == 429:
                raise RateLimited("Graph answered 429 without Retry-After")
            raise Transient("Graph answered 503")
        if status >= 500:
            raise Transient(f"Graph answered {status}")
        code = error_code(response)
        if status == 410 or (400 <= status < 500 and code.lower() in EXPIRED_CODES):
            raise CursorExpired(f"Graph dropped the delta state: {status} {code}")
        if status >= 400:
            raise GraphRequestFailed(status, code)
        if status == 204 or not response.content:
            return {}
        parsed = response.json()
        return parsed if isinstance(parsed, dict) else {}


def retry_after(response: requests.Response) -> float | None:
    """Graph sends whole seconds; an HTTP date is not used by Graph and counts as absent."""
    try:
        return max(float(response.headers["Retry-After"]), 0.0)
    except (KeyError, ValueError):
        return None


def error_code(response: requests.Response) -> str:
    try:
        return str(response.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return ""
