"""The Gmail emulator: a real HTTP server speaking Gmail's API over generated mailboxes.

Every API call goes through the same checks, in Gmail's order: access token, per-user
Retry-After bookkeeping, injected faults, per-user concurrency, per-user quota (a
sliding minute of units), then the handler. Batch parts go through them one by one, so
over-quota parts fail inside a 200 batch as they do at Google.
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import parse_qs

from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from connectors.gmail.emulator import admin, api, batch, oauth
from connectors.gmail.emulator.errors import ApiError
from connectors.gmail.emulator.push import Pusher
from connectors.gmail.emulator.settings import GmailFaults, GmailLimits
from connectors.mailboxes import Change, Mailbox, Organization, Spec, generate
from connectors.mailboxes.emulation.counters import Counters
from connectors.mailboxes.emulation.faults import Dice
from connectors.mailboxes.emulation.limits import (
    Concurrency,
    Gate,
    RetryAfterLedger,
    SlidingWindow,
    retry_after_header,
)
from connectors.mailboxes.emulation.server import BackgroundServer
from connectors.mailboxes.emulation.tokens import TokenStore
from connectors.mailboxes.emulation.wsgi import bearer, json_response

CLIENT_ID = "crmhub-emulator.apps.googleusercontent.com"
CLIENT_SECRET = "emulator-client-secret"  # noqa: S105 - a fixed local test credential
SCOPE = "https://www.googleapis.com/auth/gmail.readonly"

API = Map(
    [
        Rule("/gmail/v1/users/<user>/messages", methods=["GET"], endpoint="messages.list"),
        Rule("/gmail/v1/users/<user>/messages/<mid>", methods=["GET"], endpoint="messages.get"),
        Rule("/gmail/v1/users/<user>/history", methods=["GET"], endpoint="history.list"),
        Rule("/gmail/v1/users/<user>/profile", methods=["GET"], endpoint="getProfile"),
        Rule("/gmail/v1/users/<user>/watch", methods=["POST"], endpoint="watch"),
        Rule("/gmail/v1/users/<user>/stop", methods=["POST"], endpoint="stop"),
    ]
)


class GmailEmulator:
    """Start with ``start()`` (or ``with``), point clients at ``url``, stop with ``stop()``."""

    def __init__(
        self,
        organization: Organization | None = None,
        *,
        spec: Spec | None = None,
        limits: GmailLimits | None = None,
        faults: GmailFaults | None = None,
        client_id: str = CLIENT_ID,
        client_secret: str = CLIENT_SECRET,
        access_lifetime: int = 3600,
    ) -> None:
        self.organization = organization or generate(spec)
        self.limits = limits or GmailLimits()
        self.faults = faults or GmailFaults()
        self.state = api.GmailState(self.limits, self.faults)
        self.client_id, self.client_secret = client_id, client_secret
        self.tokens = TokenStore({client_id: client_secret}, access_lifetime=access_lifetime)
        self.counters = Counters()
        self.quota = SlidingWindow(self.limits.quota_per_minute, self.limits.quota_period)
        self.concurrency = Concurrency(self.limits.concurrent_per_user)
        self.ledger = RetryAfterLedger(self.limits.retry_after_tolerance)
        self.gate = Gate()
        self.dice = Dice(self.faults.seed)
        self.pusher = Pusher(self)
        self._grants = {
            email: self.tokens.issue(email, client_id, SCOPE) for email in self.mailboxes
        }
        self.organization.subscribe(self._changed)
        self.server: BackgroundServer | None = None

    # -- life cycle ---------------------------------------------------------------------

    def start(self, port: int = 0) -> GmailEmulator:
        self.server = BackgroundServer(self, port=port)
        self.server.start()
        self.pusher.start()
        return self

    def stop(self) -> None:
        self.pusher.stop()
        if self.server is not None:
            self.server.stop()
            self.server = None

    def __enter__(self) -> GmailEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self.server is None:
            raise RuntimeError("the emulator is not started")
        return self.server.url

    # -- what tests and tools use -------------------------------------------------------

    @property
    def mailboxes(self) -> dict[str, Mailbox]:
        return self.organization.mailboxes

    def credentials(self, email: str) -> dict[str, Any]:
        """What google.oauth2.credentials.Credentials takes for this mailbox."""
        grant = self._grants[email.lower()]
        return {
            "token": grant.access_token,
            "refresh_token": grant.refresh_token,
            "token_uri": f"{self.url}/token",
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "scopes": [SCOPE],
        }

    def add_message(self, email: str, **fields: Any) -> str:
        """Deliver a new inbound mail to a mailbox now; returns its Gmail id there."""
        message = self.organization.add_inbound(email, **fields)
        mailbox = self.organization.mailbox(email)
        return next(e.key for e in mailbox.entries.values() if e.message is message)

    def expire_history(self, email: str) -> int:
        """Make every stored history id of this mailbox older than now answer 404."""
        mailbox = self.organization.mailbox(email)
        floor = api.resources.history_id(mailbox.seq)
        self.state.history_floor[mailbox.email] = floor
        return floor

    def revoke(self, email: str) -> None:
        self.tokens.revoke(email.lower())

    def expire_access_tokens(self, email: str | None = None) -> None:
        self.tokens.expire_access_tokens(email.lower() if email else None)

    def stats(self) -> dict[str, Any]:
        counts = self.counters.snapshot()
        return {
            **counts,
            "retry_after_violations": self.ledger.total(),
            "units_by_user": {email: self.quota.used(email) for email in self.mailboxes},
            "refresh_calls_by_user": dict(self.tokens.refresh_calls),
            "peak_concurrency": {email: self.concurrency.peak(email) for email in self.mailboxes},
        }

    # -- HTTP ---------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        try:
            response = self._dispatch(request)
        except HTTPException as error:
            response = error.get_response()
        return response(environ, start_response)

    def _dispatch(self, request: Request) -> Response:
        served = self._service_route(request)
        if served is not None:
            return served
        self.counters.add("http_requests")
        if request.path in ("/batch", "/batch/gmail/v1") and request.method == "POST":
            return self._batch(request)
        try:
            status, body = self._call(
                request.headers.get("Authorization"),
                request.method,
                request.path,
                request.args,
                request.get_data(),
                in_batch=False,
            )
        except ApiError as error:
            return json_response(error.body(), error.status, dict(error.headers))
        return Response(status=204) if body is None else json_response(body, status)

    def _service_route(self, request: Request) -> Response | None:
        """The routes around the API: the emulator's own, OAuth, push certificates."""
        path = request.path
        if path.startswith("/_emulator/"):
            return admin.handle(self, request)
        if path == "/token" and request.method == "POST":
            return oauth.token(request, self.tokens, self.counters)
        if path in ("/o/oauth2/auth", "/o/oauth2/v2/auth"):
            first = next(iter(self.mailboxes))
            return oauth.authorize(request, self.tokens, set(self.mailboxes), first)
        if path in ("/oauth2/v1/certs", "/oauth2/v3/certs"):
            return json_response(self.pusher.certificates())
        return None

    def _batch(self, request: Request) -> Response:
        self.counters.add("batches")
        try:
            parts = batch.parse(request.headers.get("Content-Type", ""), request.get_data())
        except batch.BatchFormatError as error:
            return json_response(ApiError.invalid(str(error)).body(), 400)
        if len(parts) > self.limits.max_batch:
            message = f"Too many requests in batch: {len(parts)} > {self.limits.max_batch}"
            return json_response(ApiError.invalid(message).body(), 400)
        outer = request.headers.get("Authorization")
        account = self._account(outer) or next(
            (self._account(p.headers.get("authorization")) for p in parts), None
        )
        if account is not None and self.ledger.arrived(account):
            self.counters.add("retry_after_violations_batch")
        self.concurrency.limit = self.limits.concurrent_per_user
        granted = self.concurrency.acquire(account, len(parts)) if account else len(parts)
        answers: list[batch.PartAnswer] = []
        try:
            self._slow()
            for index, part in enumerate(parts):
                self.counters.add("batch_parts")
                answers.append(self._part(part, outer, over_concurrency=index >= granted))
        finally:
            if account:
                self.concurrency.release(account, granted)
        content_type, body = batch.render(answers)
        return Response(body, 200, content_type=content_type)

    def _part(
        self, part: batch.Part, outer: str | None, *, over_concurrency: bool
    ) -> batch.PartAnswer:
        try:
            if over_concurrency:
                self.counters.add("concurrency_errors")
                raise ApiError.rate_limited(429, None, "Too many concurrent requests for user.")
            args = MultiDict(parse_qs(part.query, keep_blank_values=True))
            status, body = self._call(
                part.headers.get("authorization") or outer,
                part.method,
                part.path,
                args,
                part.body,
                in_batch=True,
            )
        except ApiError as error:
            return batch.PartAnswer(part.content_id, error.status, error.body(), error.headers)
        return batch.PartAnswer(part.content_id, status, body)

    def _account(self, header: str | None) -> str | None:
        token = bearer(header)
        grant = self.tokens.access(token) if token else None
        return grant.account if grant else None

    def _call(
        self,
        authorization: str | None,
        method: str,
        path: str,
        args: MultiDict[str, str],
        body: bytes,
        *,
        in_batch: bool,
    ) -> tuple[int, dict[str, Any] | None]:
        try:
            kind, values = API.bind("emulator").match(path, method)
        except (NotFound, MethodNotAllowed) as error:
            raise ApiError(404, f"Method not found: {method} {path}", "notFound") from error
        account = self._account(authorization)
        if account is None:
            self.counters.add("auth_errors")
            raise ApiError.unauthenticated()
        user = values["user"].lower()
        if user not in ("me", account):
            raise ApiError(403, "Delegation denied for " + account, "forbidden")
        if not in_batch and self.ledger.arrived(account):
            self.counters.add("retry_after_violations_single")
        self._faults(account, in_batch)
        self.concurrency.limit = self.limits.concurrent_per_user
        if not in_batch and not self.concurrency.acquire(account):
            self.counters.add("concurrency_errors")
            raise ApiError.rate_limited(429, None, "Too many concurrent requests for user.")
        try:
            self._charge(account, kind)
            if not in_batch:
                self._slow()
            result = self._handle(kind, values, account, args, body)
        finally:
            if not in_batch:
                self.concurrency.release(account)
        self.counters.add(f"requests.{kind}")
        return 200, result

    def _slow(self) -> None:
        """Latency and the gate act while the request holds its concurrency slot."""
        if self.faults.latency > 0:
            time.sleep(self.faults.latency)
        self.gate.pass_through()

    def _faults(self, account: str, in_batch: bool) -> None:
        fraction = (
            self.faults.batch_part_rate_limit_fraction
            if in_batch
            else self.faults.rate_limit_fraction
        )
        if self.dice.roll(fraction):
            self.counters.add("injected_rate_limits")
            self.counters.add("rate_limit_errors")
            self.ledger.told(account, self.faults.retry_after)
            raise ApiError.rate_limited(
                429, str(self.faults.retry_after), "Rate Limit Exceeded (injected)"
            )
        if self.dice.roll(self.faults.server_error_fraction):
            self.counters.add("server_errors")
            raise ApiError(503, "The service is currently unavailable.", "backendError")

    def _charge(self, account: str, kind: str) -> None:
        units = self.limits.costs.get(kind, 1)
        self.quota.limit = self.limits.quota_per_minute
        self.quota.period = self.limits.quota_period
        wait = self.quota.charge(account, units)
        if wait > 0:
            self.counters.add("quota_errors")
            self.counters.add("rate_limit_errors")
            self.ledger.told(account, float(retry_after_header(wait)))
            raise ApiError.rate_limited(
                self.limits.rate_limit_status,
                retry_after_header(wait),
                "Quota exceeded for quota metric 'Queries per minute per user'.",
            )
        self.counters.add("units_used", units)

    def _handle(
        self,
        kind: str,
        values: dict[str, str],
        account: str,
        args: MultiDict[str, str],
        body: bytes,
    ) -> dict[str, Any] | None:
        mailbox = self.organization.mailbox(account)
        if kind == "messages.list":
            return api.list_messages(self.state, mailbox, args)
        if kind == "messages.get":
            return api.get_message(mailbox, values["mid"], args)
        if kind == "history.list":
            try:
                return api.list_history(self.state, mailbox, args)
            except ApiError as error:
                if error.status == 404:
                    self.counters.add("history_404")
                raise
        if kind == "getProfile":
            return api.profile(mailbox)
        if kind == "watch":
            try:
                payload = json.loads(body or b"{}")
            except ValueError as error:
                raise ApiError.invalid("Body is not JSON") from error
            return api.watch(self.state, mailbox, payload)
        api.stop(self.state, mailbox)
        return None

    def _changed(self, mailbox: Mailbox, change: Change) -> None:
        self.pusher.changed(mailbox, change)
