"""Graph change-notification subscriptions for mail: create (with the validation
handshake), renew, delete, and delivery of change and lifecycle notifications.

Creating a subscription POSTs ``notificationUrl?validationToken=...`` and needs a 200
``text/plain`` echo of the token within the timeout, else the create fails with 400, as
at Graph. Notifications go out from one background thread in order; each delivery's
status and duration are counted (answers slower than 3 s count as ``slow``).
"""

from __future__ import annotations

import datetime as dt
import queue
import re
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

import requests

from connectors.mailboxes import Change, Mailbox
from connectors.mailboxes.emulation.counters import Counters
from connectors.outlook.emulator import resources
from connectors.outlook.emulator.errors import GraphError
from connectors.outlook.emulator.settings import GraphLimits

RESOURCE = re.compile(
    r"^/?(?:users/(?P<user>[^/]+)|me)/"
    r"(?:mailFolders(?:\('(?P<quoted>[^']+)'\)|/(?P<folder>[^/]+))/)?messages$",
    re.IGNORECASE,
)
LIFECYCLE_EVENTS = ("subscriptionRemoved", "missed", "reauthorizationRequired")


@dataclass
class Subscription:
    id: str
    resource: str
    change_types: tuple[str, ...]
    notification_url: str
    lifecycle_url: str | None
    client_state: str | None
    expiration: dt.datetime
    mailbox: str
    folder: str | None
    application_id: str

    def json(self) -> dict[str, Any]:
        return {
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#subscriptions/$entity",
            "id": self.id,
            "resource": self.resource,
            "applicationId": self.application_id,
            "changeType": ",".join(self.change_types),
            "clientState": self.client_state,
            "notificationUrl": self.notification_url,
            "lifecycleNotificationUrl": self.lifecycle_url,
            "expirationDateTime": iso(self.expiration),
            "includeResourceData": False,
            "latestSupportedTlsVersion": "v1_2",
        }

    def covers(self, mailbox: Mailbox, change: Change) -> bool:
        wanted = "created" if change.kind == "added" else "deleted"
        folder_ok = self.folder is None or resources.FOLDERS.get(self.folder) == change.entry.folder
        alive = self.expiration > dt.datetime.now(dt.UTC)
        return mailbox.email == self.mailbox and wanted in self.change_types and folder_ok and alive


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.0000000Z")


def parse_time(value: object) -> dt.datetime:
    if not isinstance(value, str):
        raise GraphError.bad_request("expirationDateTime is required.")
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise GraphError.bad_request(f"Invalid expirationDateTime {value!r}.") from error
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


class Subscriptions:
    def __init__(self, limits: GraphLimits, counters: Counters, tenant_id: str) -> None:
        self.limits, self.counters, self.tenant_id = limits, counters, tenant_id
        self.by_id: dict[str, Subscription] = {}
        self.verify: bool | str = True
        self._lock = threading.Lock()
        self._outbox: queue.Queue[tuple[str, dict[str, Any]] | None] = queue.Queue()
        self._session = requests.Session()
        self._session.trust_env = False
        self._thread: threading.Thread | None = None

    # -- life cycle ---------------------------------------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self._deliver, name="graph-notify", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._outbox.put(None)
            self._thread.join(timeout=15)
            self._thread = None
        self._session.close()

    # -- API ----------------------------------------------------------------------------

    def create(
        self, body: dict[str, Any], mailbox_of: Any, application_id: str, own: str | None
    ) -> Subscription:
        match = RESOURCE.match(str(body.get("resource", "")))
        if match is None:
            raise GraphError.bad_request("Unsupported resource for mail subscriptions.")
        user = match.group("user") or own
        if user is None:
            raise GraphError.bad_request("/me needs a delegated token.")
        mailbox: Mailbox = mailbox_of(user)
        if own is not None and mailbox.email != own:
            raise GraphError(403, "ExtensionError", "Operation: Create; Access is denied.")
        folder = (match.group("quoted") or match.group("folder") or "").lower() or None
        if folder is not None and folder not in resources.FOLDERS:
            raise GraphError.bad_request(f"Unknown mail folder {folder!r}.")
        change_types = tuple(t.strip() for t in str(body.get("changeType", "")).split(","))
        if not set(change_types) <= {"created", "updated", "deleted"} or not change_types[0]:
            raise GraphError.bad_request("changeType must be created, updated or deleted.")
        expiration = self._expiration(body.get("expirationDateTime"))
        url = body.get("notificationUrl")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise GraphError.bad_request("notificationUrl is required.")
        if self.limits.require_https_notification_url and not url.startswith("https://"):
            raise GraphError.bad_request("Subscription notificationUrl must be an https URL.")
        lifecycle = body.get("lifecycleNotificationUrl")
        for target in (url, lifecycle):
            if isinstance(target, str) and not self._validate(target):
                self.counters.add("subscription_validation_failures")
                raise GraphError.bad_request(
                    "Subscription validation request failed. Notification endpoint must "
                    "respond with 200 OK to validation request."
                )
        subscription = Subscription(
            id=str(uuid.uuid4()),
            resource=str(body["resource"]),
            change_types=change_types,
            notification_url=url,
            lifecycle_url=lifecycle if isinstance(lifecycle, str) else None,
            client_state=body.get("clientState"),
            expiration=expiration,
            mailbox=mailbox.email,
            folder=folder,
            application_id=application_id,
        )
        with self._lock:
            self.by_id[subscription.id] = subscription
        self.counters.add("subscriptions_created")
        return subscription

    def get(self, subscription_id: str) -> Subscription:
        with self._lock:
            found = self.by_id.get(subscription_id)
        if found is None:
            raise GraphError(404, "ResourceNotFound", "The object was not found.")
        return found

    def renew(self, subscription_id: str, body: dict[str, Any]) -> Subscription:
        subscription = self.get(subscription_id)
        subscription.expiration = self._expiration(body.get("expirationDateTime"))
        self.counters.add("subscriptions_renewed")
        return subscription

    def delete(self, subscription_id: str) -> None:
        self.get(subscription_id)
        with self._lock:
            del self.by_id[subscription_id]
        self.counters.add("subscriptions_deleted")

    def changed(self, mailbox: Mailbox, change: Change) -> None:
        with self._lock:
            matching = [s for s in self.by_id.values() if s.covers(mailbox, change)]
        for subscription in matching:
            graph_id = resources.message_id(change.entry.key)
            resource = f"Users/{mailbox.object_id}/Messages/{graph_id}"
            notification = {
                "subscriptionId": subscription.id,
                "subscriptionExpirationDateTime": iso(subscription.expiration),
                "changeType": "created" if change.kind == "added" else "deleted",
                "resource": resource,
                "resourceData": {
                    "@odata.type": "#Microsoft.Graph.Message",
                    "@odata.id": resource,
                    "@odata.etag": f'W/"CQAAAB{change.seq}"',
                    "id": graph_id,
                },
                "clientState": subscription.client_state,
                "tenantId": self.tenant_id,
            }
            self._outbox.put((subscription.notification_url, {"value": [notification]}))

    def lifecycle(self, subscription_id: str, event: str) -> None:
        """Send a lifecycle notification now; ``subscriptionRemoved`` also removes it."""
        if event not in LIFECYCLE_EVENTS:
            raise ValueError(f"unknown lifecycle event {event!r}")
        subscription = self.get(subscription_id)
        body = {
            "value": [
                {
                    "subscriptionId": subscription.id,
                    "subscriptionExpirationDateTime": iso(subscription.expiration),
                    "tenantId": self.tenant_id,
                    "clientState": subscription.client_state,
                    "lifecycleEvent": event,
                }
            ]
        }
        if event == "subscriptionRemoved":
            with self._lock:
                self.by_id.pop(subscription_id, None)
        self._outbox.put((subscription.lifecycle_url or subscription.notification_url, body))

    # -- internals ----------------------------------------------------------------------

    def _expiration(self, value: object) -> dt.datetime:
        moment = parse_time(value)
        now = dt.datetime.now(dt.UTC)
        if moment <= now:
            raise GraphError.bad_request("expirationDateTime must be in the future.")
        if moment > now + dt.timedelta(minutes=self.limits.max_subscription_minutes):
            raise GraphError.bad_request(
                f"Subscription expiration can only be {self.limits.max_subscription_minutes} "
                "minutes in the future."
            )
        return moment

    def _validate(self, url: str) -> bool:
        token = (
            "Validation: Testing client application reachability for subscription "
            f"Request-Id: {uuid.uuid4()}"
        )
        self.counters.add("validation_requests")
        try:
            answer = self._session.post(
                url,
                params={"validationToken": token},
                headers={"Content-Type": "text/plain; charset=utf-8"},
                timeout=self.limits.validation_timeout,
                verify=self.verify,
            )
        except requests.RequestException:
            return False
        return (
            answer.status_code == 200
            and answer.headers.get("Content-Type", "").startswith("text/plain")
            and answer.text == token
        )

    def _deliver(self) -> None:
        while True:
            item = self._outbox.get()
            if item is None:
                return
            url, body = item
            started = time.monotonic()
            try:
                answer = self._session.post(
                    url, json=body, timeout=self.limits.notification_timeout, verify=self.verify
                )
                ok = 200 <= answer.status_code < 300
            except requests.RequestException:
                ok = False
            self.counters.add("notifications_sent" if ok else "notifications_failed")
            if time.monotonic() - started > 3.0:
                self.counters.add("notifications_slow")
