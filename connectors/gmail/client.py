"""The Gmail API calls crmhub makes, through the official client, with quota and retries.

Every call spends its quota units from the mailbox's budget first (15,000 per minute:
list 5, get 5, history 2, profile 1), so a backfill runs just under Google's limit
instead of into it. Errors are translated once, here: 429 and 403 rate-limit reasons
become RateLimited with ``Retry-After``, 5xx Transient, a 404 on history CursorExpired,
a 401 one forced token refresh. Batched gets check every part: a failed part is
retried, never dropped.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import google.oauth2.credentials
import httplib2
from google.auth.exceptions import RefreshError
from google_auth_httplib2 import AuthorizedHttp
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError
from googleapiclient.http import BatchHttpRequest

from connectors.gmail.config import METADATA_HEADERS, GoogleApp
from connectors.sync.budget import RateBudget
from connectors.sync.errors import CursorExpired, RateLimited, Transient
from connectors.sync.retrying import with_retries

UNITS = {"list": 5, "get": 5, "history": 2, "profile": 1, "watch": 100}
BATCH_SIZE = 50  # more than 50 calls per batch invites rate limiting
PART_ATTEMPTS = 20  # a part fails this often in a row only when something is really wrong
RATE_REASONS = ("rateLimitExceeded", "userRateLimitExceeded")
TokenSource = Callable[[str | None], str]  # (rejected token or None) -> a valid token


class GmailClient:
    """One mailbox's API client; not thread-safe (httplib2), one per sync."""

    def __init__(
        self,
        app: GoogleApp,
        token: TokenSource,
        *,
        budget: RateBudget | None = None,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        transport: httplib2.Http | None = None,
    ) -> None:
        self.app = app
        self._transport = transport  # a given transport (tests: HttpMockSequence) as is
        self._token_source = token
        self.budget = budget or RateBudget(15_000, 60)
        self.timeout = timeout
        self._sleep = sleep
        self.requests = 0
        self._token = token(None)
        self._service = self._build()

    def _build(self) -> Any:
        credentials = google.oauth2.credentials.Credentials(token=self._token)
        http = self._transport or AuthorizedHttp(
            credentials, http=httplib2.Http(timeout=self.timeout)
        )
        return build(
            "gmail",
            "v1",
            http=http,
            client_options={"api_endpoint": self.app.api_endpoint},
            static_discovery=True,
            cache_discovery=False,
        )

    # -- calls ------------------------------------------------------------------------

    def profile(self) -> dict[str, Any]:
        return self._call("profile", lambda s: s.users().getProfile(userId="me"))

    def list_ids(
        self, *, query: str = "", page_token: str | None = None, page_size: int = 500
    ) -> tuple[list[str], str | None, int]:
        """One page of message ids (newest first), the next page token, Gmail's estimate."""

        def request(service: Any) -> Any:
            return service.users().messages().list(
                userId="me", q=query or None, pageToken=page_token, maxResults=page_size,
                includeSpamTrash=False,
            )  # fmt: skip

        body = self._call("list", request)
        ids = [item["id"] for item in body.get("messages", [])]
        return ids, body.get("nextPageToken"), int(body.get("resultSizeEstimate", 0))

    def history(
        self, start_history_id: str, page_token: str | None = None
    ) -> tuple[list[str], str | None, str]:
        """Ids of messages added since a history id, the next page token, the newest id."""

        def request(service: Any) -> Any:
            return service.users().history().list(
                userId="me", startHistoryId=start_history_id, pageToken=page_token,
                historyTypes=["messageAdded"], maxResults=500,
            )  # fmt: skip

        body = self._call("history", request, missing_means_expired=True)
        ids: list[str] = []
        for record in body.get("history", []):
            for added in record.get("messagesAdded", []):
                ids.append(added["message"]["id"])
        return list(dict.fromkeys(ids)), body.get("nextPageToken"), str(body["historyId"])

    def watch(self, topic: str) -> dict[str, Any]:
        body = {"topicName": topic, "labelIds": ["INBOX", "SENT"], "labelFilterBehavior": "include"}
        return self._call("watch", lambda s: s.users().watch(userId="me", body=body))

    def get_many(self, ids: list[str]) -> tuple[dict[str, dict[str, Any]], set[str]]:
        """Message metadata by id, and the ids that no longer exist (deleted meanwhile)."""
        found: dict[str, dict[str, Any]] = {}
        gone: set[str] = set()
        failures: dict[str, int] = {}
        pending = list(dict.fromkeys(ids))
        while pending:
            chunk, pending = pending[:BATCH_SIZE], pending[BATCH_SIZE:]
            retry, wait = self._batch(chunk, found, gone)
            for message_id in retry:
                failures[message_id] = failures.get(message_id, 0) + 1
                if failures[message_id] >= PART_ATTEMPTS:
                    raise Transient(f"message {message_id} failed {PART_ATTEMPTS} times")
            if retry:
                self.budget.close_until(wait)
                pending = retry + pending
        return found, gone

    # -- plumbing ---------------------------------------------------------------------

    def _batch(
        self, chunk: list[str], found: dict[str, dict[str, Any]], gone: set[str]
    ) -> tuple[list[str], float]:
        """Send one batch; returns the ids to try again and how long to wait first."""
        retry: list[str] = []
        waits: list[float] = [0.0]

        def collect(request_id: str, response: Any, error: HttpError | None) -> None:
            if error is None:
                found[request_id] = response
                return
            kind, wait = _classify(error)
            if kind == "missing":
                gone.add(request_id)
            elif kind in ("rate", "transient", "unauthorized"):
                retry.append(request_id)
                waits.append(wait if wait is not None else 2.0)
            else:
                raise error

        def fresh_batch() -> BatchHttpRequest:
            batch = BatchHttpRequest(callback=collect, batch_uri=self.app.batch_uri)
            messages = self._service.users().messages()  # rebuilt after a token refresh
            for message_id in chunk:
                batch.add(
                    messages.get(userId="me", id=message_id, format="metadata",
                                 metadataHeaders=list(METADATA_HEADERS)),
                    request_id=message_id,
                )  # fmt: skip
            return batch

        def send() -> None:
            self.budget.spend(UNITS["get"] * len(chunk))
            self.requests += 1
            self._execute(lambda: fresh_batch().execute())

        with_retries(send, sleep=self._sleep)
        return retry, max(waits)

    def _call(
        self, kind: str, request: Callable[[Any], Any], *, missing_means_expired: bool = False
    ) -> dict[str, Any]:
        def once() -> dict[str, Any]:
            self.budget.spend(UNITS[kind])
            self.requests += 1
            result: dict[str, Any] = self._execute(lambda: request(self._service).execute())
            return result

        try:
            return with_retries(once, sleep=self._sleep)
        except HttpError as error:
            if missing_means_expired and error.resp.status == 404:
                raise CursorExpired(f"Gmail no longer knows this history id: {error}") from error
            raise

    def _execute(self, run: Callable[[], Any]) -> Any:
        """Run a call; translate errors; on 401 refresh the token once and run again."""
        for attempt in range(2):
            try:
                return run()
            except HttpError as error:
                kind, wait = _classify(error)
                if kind == "unauthorized" and attempt == 0:
                    self._token = self._token_source(self._token)
                    self._service = self._build()
                    continue
                if kind == "rate":
                    if wait is not None:
                        self.budget.close_until(wait)
                    raise RateLimited(f"Gmail rate limit: {error.reason}", wait) from error
                if kind == "transient":
                    raise Transient(f"Gmail answered {error.resp.status}") from error
                raise
            except RefreshError:  # a batch part got 401: the library tried to refresh
                if attempt == 0:
                    self._token = self._token_source(self._token)
                    self._service = self._build()
                    continue
                raise
            except (httplib2.HttpLib2Error, OSError) as error:
                raise Transient(f"Gmail unreachable: {error}") from error
        raise Transient("Gmail refused a freshly refreshed token")


def _classify(error: HttpError) -> tuple[str, float | None]:
    """("rate" | "transient" | "missing" | "unauthorized" | "other", Retry-After seconds)."""
    status = error.resp.status
    wait = _retry_after(error)
    if status == 429 or (status == 403 and _reason(error) in RATE_REASONS):
        return "rate", wait
    if status >= 500:
        return "transient", wait
    if status == 404:
        return "missing", None
    if status == 401:
        return "unauthorized", None
    return "other", None


def _retry_after(error: HttpError) -> float | None:
    value = error.resp.get("retry-after") if hasattr(error.resp, "get") else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _reason(error: HttpError) -> str:
    try:
        body = json.loads(error.content)
        return str(body["error"]["errors"][0]["reason"])
    except (ValueError, KeyError, IndexError, TypeError):
        return ""
