"""The Outlook emulator: HTTPS with a self-made certificate, MSAL's endpoints and Graph mail.

Graph calls pass, in order: access token (app-only tokens reach every mailbox, delegated
ones only their own), Retry-After bookkeeping, injected faults, the mailbox's
concurrency (4 in flight) and its request window (10,000 per 10 minutes), then the
handler. Links in answers (``@odata.nextLink``, ``@odata.deltaLink``) are full URLs on
this server.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

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
from connectors.outlook.emulator import admin, delta, resources
from connectors.outlook.emulator.errors import GraphError
from connectors.outlook.emulator.identity import Identity
from connectors.outlook.emulator.settings import GraphFaults, GraphLimits
from connectors.outlook.emulator.subscriptions import Subscriptions

CLIENT_ID = "5f0c7c1e-6d55-4d0b-9a62-emulator0001"
CLIENT_SECRET = "emulator-client-secret"  # noqa: S105 - a fixed local test credential
TENANT = "brightwave.io"
MAIL_SCOPE = "https://graph.microsoft.com/Mail.Read"

ROUTES = Map(
    [
        Rule("/<tenant>/v2.0/.well-known/openid-configuration", endpoint="openid"),
        Rule("/<tenant>/oauth2/v2.0/token", methods=["POST"], endpoint="token"),
        Rule("/<tenant>/oauth2/v2.0/authorize", endpoint="authorize"),
        Rule("/<tenant>/discovery/v2.0/keys", endpoint="keys"),
        Rule("/v1.0/users/<user>/mailFolders/<folder>/messages/delta", endpoint="delta"),
        Rule("/v1.0/me/mailFolders/<folder>/messages/delta", endpoint="delta"),
        Rule("/v1.0/users/<user>/messages/<mid>", endpoint="message"),
        Rule("/v1.0/me/messages/<mid>", endpoint="message"),
        Rule("/v1.0/subscriptions", methods=["POST"], endpoint="subscribe"),
        Rule(
            "/v1.0/subscriptions/<sid>", methods=["GET", "PATCH", "DELETE"], endpoint="subscription"
        ),
        Rule("/v1.0/subscriptions/<sid>/reauthorize", methods=["POST"], endpoint="reauthorize"),
    ]
)


class OutlookEmulator:
    """Start with ``start()`` (or ``with``); ``authority(tenant)`` and ``graph_url`` are
    what MSAL and the Graph client take; trust ``certificate_path``."""

    def __init__(
        self,
        organization: Organization | None = None,
        *,
        spec: Spec | None = None,
        limits: GraphLimits | None = None,
        faults: GraphFaults | None = None,
        client_id: str = CLIENT_ID,
        client_secret: str = CLIENT_SECRET,
        access_lifetime: int = 3600,
    ) -> None:
        self.organization = organization or generate(spec)
        self.limits = limits or GraphLimits()
        self.faults = faults or GraphFaults()
        self.client_id, self.client_secret = client_id, client_secret
        self.tenant_id = str(uuid.uuid5(uuid.NAMESPACE_DNS, TENANT))
        self.tokens = TokenStore(
            {client_id: client_secret}, access_lifetime=access_lifetime, rotate_refresh_tokens=True
        )
        self.counters = Counters()
        self.window = SlidingWindow(self.limits.requests_per_window, self.limits.window)
        self.concurrency = Concurrency(self.limits.concurrent_per_mailbox)
        self.ledger = RetryAfterLedger(self.limits.retry_after_tolerance)
        self.gate = Gate()
        self.dice = Dice(self.faults.seed)
        self.identity = Identity(self.tokens, self.counters, self.mailboxes, self.tenant_id)
        self.subscriptions = Subscriptions(self.limits, self.counters, self.tenant_id)
        self.generations: dict[tuple[str, str], int] = {}
        self.organization.subscribe(self._changed)
        self.server: BackgroundServer | None = None

    # -- life cycle ---------------------------------------------------------------------

    def start(self, port: int = 0) -> OutlookEmulator:
        self.server = BackgroundServer(self, tls=True, port=port)
        self.identity.base_url = self.server.url
        self.server.start()
        self.subscriptions.start()
        return self

    def stop(self) -> None:
        self.subscriptions.stop()
        if self.server is not None:
            self.server.stop()
            self.server = None

    def __enter__(self) -> OutlookEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self.server is None:
            raise RuntimeError("the emulator is not started")
        return self.server.url

    @property
    def graph_url(self) -> str:
        return f"{self.url}/v1.0"

    @property
    def certificate_path(self) -> str:
        if self.server is None or self.server.certificate_path is None:
            raise RuntimeError("the emulator is not started")
        return str(self.server.certificate_path)

    def authority(self, tenant: str = TENANT) -> str:
        return f"{self.url}/{tenant}"

    # -- what tests and tools use -------------------------------------------------------

    @property
    def mailboxes(self) -> dict[str, Mailbox]:
        return self.organization.mailboxes

    def message_id(self, key: str) -> str:
        return resources.message_id(key)

    def add_message(self, email: str, **fields: Any) -> str:
        """Deliver a new inbound mail now; returns its Graph id in that mailbox."""
        message = self.organization.add_inbound(email, **fields)
        mailbox = self.organization.mailbox(email)
        return resources.message_id(
            next(e.key for e in mailbox.entries.values() if e.message is message)
        )

    def delete_message(self, email: str, graph_id: str) -> None:
        self.organization.delete(email, str(resources.key_of(graph_id)))

    def expire_delta(self, email: str, folder: str | None = None) -> None:
        """Drop the sync state of a mailbox's folders: their delta links answer 410."""
        mailbox = self.organization.mailbox(email)
        for name in [folder] if folder else list(resources.FOLDERS):
            self.generations[(mailbox.email, name)] = self._generation(mailbox.email, name) + 1

    def user_refresh_token(self, email: str) -> str:
        """A refresh token for a mailbox as if its rep had consented (skips the browser)."""
        grant = self.tokens.issue(email.lower(), self.client_id, f"{MAIL_SCOPE} offline_access")
        return str(grant.refresh_token)

    def revoke(self, email: str) -> None:
        self.tokens.revoke(email.lower())

    def expire_access_tokens(self, email: str | None = None) -> None:
        self.tokens.expire_access_tokens(email.lower() if email else None)

    def stats(self) -> dict[str, Any]:
        return {
            **self.counters.snapshot(),
            "retry_after_violations": self.ledger.total(),
            "requests_by_mailbox": {e: self.window.used(e) for e in self.mailboxes},
            "refresh_calls_by_user": dict(self.tokens.refresh_calls),
            "peak_concurrency": {e: self.concurrency.peak(e) for e in self.mailboxes},
            "subscriptions": len(self.subscriptions.by_id),
        }

    # -- HTTP ---------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        try:
            response = self._dispatch(request)
        except GraphError as error:
            response = json_response(error.body(), error.status, dict(error.headers))
        except HTTPException as error:
            response = error.get_response()
        return response(environ, start_response)

    def _dispatch(self, request: Request) -> Response:
        if request.path.startswith("/_emulator/"):
            return admin.handle(self, request)
        endpoint, values = ROUTES.bind("emulator").match(request.path, request.method)
        if endpoint == "openid":
            return json_response(self.identity.configuration(values["tenant"]))
        if endpoint == "keys":
            return json_response(self.identity.keys())
        if endpoint == "token":
            return self.identity.token(request, values["tenant"])
        if endpoint == "authorize":
            return self.identity.authorize(request, values["tenant"], next(iter(self.mailboxes)))
        return self._graph(request, endpoint, values)

    def _graph(self, request: Request, endpoint: str, values: dict[str, str]) -> Response:
        self.counters.add("http_requests")
        grant = self.tokens.access(bearer(request.headers.get("Authorization")) or "")
        if grant is None:
            self.counters.add("auth_errors")
            raise GraphError(
                401, "InvalidAuthenticationToken", "Access token has expired or is not yet valid."
            )
        own = grant.account
        if endpoint in ("subscribe", "subscription", "reauthorize"):
            return self._subscriptions(request, endpoint, values, own)
        mailbox = self._mailbox(values.get("user"), own)
        with self._throttled(mailbox.email):
            self.counters.add(f"requests.{endpoint}")
            if endpoint == "message":
                entry = mailbox.live(resources.key_of(values["mid"]) or "")
                if entry is None:
                    raise GraphError.not_found()
                select = _select(request)
                return json_response(resources.render(mailbox, entry, select))
            return self._delta(request, mailbox, values, own)

    def _mailbox(self, user: str | None, own: str | None) -> Mailbox:
        if user is None:
            if own is None:
                raise GraphError.bad_request(
                    "/me request is only valid with delegated authentication flow."
                )
            user = own
        try:
            mailbox = self.organization.mailbox(user)
        except KeyError as error:
            raise GraphError(
                404, "ErrorInvalidUser", f"The requested user '{user}' is invalid."
            ) from error
        if own is not None and mailbox.email != own:
            raise GraphError(
                403, "ErrorAccessDenied", "Access is denied. Check credentials and try again."
            )
        return mailbox

    def _throttled(self, key: str) -> _Slot:
        if self.ledger.arrived(key):
            self.counters.add("retry_after_violations_seen")
        if self.dice.roll(self.faults.throttle_fraction):
            self.counters.add("injected_throttles")
            self.counters.add("throttled")
            self.ledger.told(key, self.faults.retry_after)
            raise GraphError.throttled(
                str(self.faults.retry_after), "Application is over its MailboxConcurrency limit."
            )
        if self.dice.roll(self.faults.unavailable_fraction):
            self.counters.add("injected_unavailable")
            self.ledger.told(key, self.faults.retry_after)
            raise GraphError(
                503,
                "ServiceUnavailable",
                "Service Unavailable",
                (("Retry-After", str(self.faults.retry_after)),),
            )
        self.concurrency.limit = self.limits.concurrent_per_mailbox
        if not self.concurrency.acquire(key):
            self.counters.add("throttled")
            self.counters.add("concurrency_throttles")
            seconds = self.limits.concurrency_retry_after
            self.ledger.told(key, seconds)
            raise GraphError.throttled(
                str(seconds), "Application is over its MailboxConcurrency limit."
            )
        self.window.limit, self.window.period = self.limits.requests_per_window, self.limits.window
        wait = self.window.charge(key, 1)
        if wait > 0:
            self.concurrency.release(key)
            self.counters.add("throttled")
            self.counters.add("window_throttles")
            self.ledger.told(key, float(retry_after_header(wait)))
            raise GraphError.throttled(
                retry_after_header(wait), "Application is over its ResourceRequests limit."
            )
        return _Slot(self, key)

    def _delta(
        self, request: Request, mailbox: Mailbox, values: dict[str, str], own: str | None
    ) -> Response:
        folder = values["folder"].lower()
        if folder not in resources.FOLDERS:
            raise GraphError.not_found(f"Unknown mail folder {values['folder']!r}.")
        prefix = f"users/{values['user']}" if "user" in values else "me"
        link_base = f"{self.graph_url}/{prefix}/mailFolders/{values['folder']}/messages/delta"
        generation = self._generation(mailbox.email, folder)
        token = request.args.get("$skiptoken") or request.args.get("$deltatoken")
        if token:
            state = delta.DeltaToken.decode(token)
            if state.mailbox != mailbox.email or state.folder != folder:
                raise GraphError.bad_request("The delta token belongs to another folder.")
            if self.faults.delta_expired_next > 0 or state.generation != generation:
                self.faults.delta_expired_next = max(0, self.faults.delta_expired_next - 1)
                self.counters.add("delta_expired")
                raise GraphError(
                    self.faults.delta_expired_status,
                    self.faults.delta_expired_code,
                    "The sync state is no longer valid; start a new sync.",
                    (("Location", link_base),),
                )
        else:
            state = delta.DeltaToken(
                mailbox.email,
                folder,
                generation,
                select=_select(request) or [],
                received_from_ms=delta.parse_filter(request.args.get("$filter")),
            )
        size = _page_size(request, self.limits)
        body = delta.page(mailbox, state, size, link_base)
        body["@odata.context"] = "https://graph.microsoft.com/v1.0/$metadata#Collection(message)"
        return json_response(body, headers={"Preference-Applied": f"odata.maxpagesize={size}"})

    def _subscriptions(
        self, request: Request, endpoint: str, values: dict[str, str], own: str | None
    ) -> Response:
        body = _json(request)
        subscriptions = self.subscriptions
        if endpoint == "subscribe":
            created = subscriptions.create(
                body, lambda user: self._mailbox(user, own), self.client_id, own
            )
            return json_response(created.json(), 201)
        found = subscriptions.get(values["sid"])
        if own is not None and found.mailbox != own:
            raise GraphError(403, "ExtensionError", "Access is denied.")
        if endpoint == "reauthorize" or request.method == "GET":
            return json_response(found.json()) if request.method == "GET" else Response(status=204)
        if request.method == "PATCH":
            return json_response(subscriptions.renew(found.id, body).json())
        subscriptions.delete(found.id)
        return Response(status=204)

    def _generation(self, email: str, folder: str) -> int:
        return self.generations.get((email, folder), 0)

    def _changed(self, mailbox: Mailbox, change: Change) -> None:
        self.subscriptions.changed(mailbox, change)


class _Slot:
    """Holds one of the mailbox's concurrency slots for the length of a request."""

    def __init__(self, emulator: OutlookEmulator, key: str) -> None:
        self.emulator, self.key = emulator, key

    def __enter__(self) -> None:
        if self.emulator.faults.latency > 0:
            time.sleep(self.emulator.faults.latency)
        self.emulator.gate.pass_through()

    def __exit__(self, *exc: object) -> None:
        self.emulator.concurrency.release(self.key)


def _select(request: Request) -> list[str] | None:
    raw = request.args.get("$select")
    return [name.strip() for name in raw.split(",") if name.strip()] if raw else None


def _page_size(request: Request, limits: GraphLimits) -> int:
    for preference in request.headers.get("Prefer", "").split(","):
        name, _, value = preference.strip().partition("=")
        if name.strip().lower() == "odata.maxpagesize" and value.strip().isdigit():
            return max(1, min(int(value), limits.max_page_size))
    return limits.default_page_size


def _json(request: Request) -> dict[str, Any]:
    if not request.get_data():
        return {}
    try:
        body = json.loads(request.get_data())
    except ValueError as error:
        raise GraphError.bad_request("Body is not JSON.") from error
    if not isinstance(body, dict):
        raise GraphError.bad_request("Body must be a JSON object.")
    return body
