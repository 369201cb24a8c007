"""Graph change notifications for one mailbox: create, renew, and read what arrives.

A notification only says "something changed"; the delta sync reads what. So a valid
notification (known subscription, matching ``clientState``) just names connectors to
sync, and polling stays the fallback for notifications that are late or lost. The
``clientState`` is a random secret per subscription, stored encrypted with the
mailbox's credentials and compared in constant time. Graph caps mail subscriptions at
4,230 minutes; they are renewed well before that.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from connectors.outlook.client import GraphClient
from core.db import Database
from core.models import Connector, utcnow
from core.vault import Vault

LIFETIME = timedelta(minutes=4200)  # Graph's maximum for mail is 4,230 minutes
RENEW_BEFORE = timedelta(hours=24)
KEY = "subscription"  # where the subscription lives in the connector's credentials


@dataclass(frozen=True)
class Known:
    """What the notification endpoint needs of one subscription."""

    connector_id: int
    client_state: str


@dataclass(frozen=True)
class LifecycleAction:
    connector_id: int
    subscription_id: str
    action: str  # "recreate" | "sync" | "reauthorize"


ACTIONS = {
    "subscriptionremoved": "recreate",
    "missed": "sync",
    "reauthorizationrequired": "reauthorize",
}


def validation_token(args: Mapping[str, str]) -> str | None:
    """The token to echo as text/plain 200 when Graph validates a URL, else None."""
    return args.get("validationToken")


def subscribe(
    database: Database,
    vault: Vault,
    client: GraphClient,
    connector_id: int,
    *,
    notification_url: str,
    lifecycle_url: str,
    now: datetime | None = None,
) -> dict[str, str]:
    """Create the mailbox's inbox subscription and store it; Graph validates the URL
    (the web endpoint must already answer) before this returns."""
    state = secrets.token_urlsafe(32)
    expires = (now or utcnow()) + LIFETIME
    created = client.send(
        "POST",
        f"{client.graph_url}/subscriptions",
        {
            "changeType": "created",
            "notificationUrl": notification_url,
            "lifecycleNotificationUrl": lifecycle_url,
            "resource": f"/users/{client.user}/mailFolders('inbox')/messages",
            "expirationDateTime": _graph_time(expires),
            "clientState": state,
        },
    )
    record = {"id": str(created["id"]), "expires_at": str(created["expirationDateTime"]),
              "client_state": state, "notification_url": notification_url,
              "lifecycle_url": lifecycle_url}  # fmt: skip
    _store(database, vault, connector_id, record)
    return record


def renew_if_due(
    database: Database, vault: Vault, client: GraphClient, connector_id: int, *, now: datetime
) -> bool:
    """PATCH a new expiration when the stored one is within RENEW_BEFORE; True if renewed."""
    record = stored_subscription(database, vault, connector_id)
    if record is None or _parse(record["expires_at"]) - now > RENEW_BEFORE:
        return False
    renewed = client.send(
        "PATCH",
        f"{client.graph_url}/subscriptions/{record['id']}",
        {"expirationDateTime": _graph_time(now + LIFETIME)},
    )
    _store(database, vault, connector_id, {**record, "expires_at": renewed["expirationDateTime"]})
    return True


def reauthorize(client: GraphClient, subscription_id: str) -> None:
    client.send("POST", f"{client.graph_url}/subscriptions/{subscription_id}/reauthorize")


def known_subscriptions(session: Session, vault: Vault) -> dict[str, Known]:
    """Subscription id → connector and clientState, for the notification endpoint."""
    rows = session.scalars(select(Connector).where(Connector.kind == "outlook"))
    known: dict[str, Known] = {}
    for row in rows:
        if not row.credentials_encrypted:
            continue
        record = vault.decrypt_json(row.credentials_encrypted).get(KEY)
        if isinstance(record, dict) and record.get("id"):
            known[str(record["id"])] = Known(row.id, str(record.get("client_state", "")))
    return known


def connectors_to_sync(body: Any, known: Mapping[str, Known]) -> tuple[list[int], int]:
    """The connectors a change notification asks to sync, and how many items were refused
    (unknown subscription, or a clientState that does not match)."""
    wanted: list[int] = []
    refused = 0
    for item in _items(body):
        found = _check(item, known)
        if found is None:
            refused += 1
        elif found.connector_id not in wanted:
            wanted.append(found.connector_id)
    return wanted, refused


def lifecycle_actions(body: Any, known: Mapping[str, Known]) -> list[LifecycleAction]:
    """What each verified lifecycle event asks for; unverified or unknown ones are dropped."""
    actions = []
    for item in _items(body):
        found = _check(item, known)
        action = ACTIONS.get(str(item.get("lifecycleEvent", "")).lower())
        if found is not None and action is not None:
            actions.append(LifecycleAction(found.connector_id, str(item["subscriptionId"]), action))
    return actions


def stored_subscription(
    database: Database, vault: Vault, connector_id: int
) -> dict[str, Any] | None:
    with database.session() as session:
        row = session.get(Connector, connector_id)
        if row is None or not row.credentials_encrypted:
            return None
        record = vault.decrypt_json(row.credentials_encrypted).get(KEY)
    return dict(record) if isinstance(record, dict) else None


def _check(item: dict[str, Any], known: Mapping[str, Known]) -> Known | None:
    found = known.get(str(item.get("subscriptionId", "")))
    given = str(item.get("clientState") or "")
    if found is None or not hmac.compare_digest(given.encode(), found.client_state.encode()):
        return None
    return found


def _items(body: Any) -> list[dict[str, Any]]:
    values = body.get("value") if isinstance(body, dict) else None
    return [item for item in values or () if isinstance(item, dict)]


def _store(database: Database, vault: Vault, connector_id: int, record: dict[str, Any]) -> None:
    """Under the row lock the token refresh takes too, so neither overwrites the other."""
    with database.session() as session:
        query = select(Connector).where(Connector.id == connector_id).with_for_update()
        row = session.scalars(query.execution_options(populate_existing=True)).one()
        stored = vault.decrypt_json(row.credentials_encrypted) if row.credentials_encrypted else {}
        row.credentials_encrypted = vault.encrypt_json({**stored, KEY: record})


def _graph_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _parse(value: str) -> datetime:
    text = value.replace("Z", "+00:00")
    if "." in text:  # Graph sends 7 fractional digits; Python reads at most 6
        head, _, tail = text.partition(".")
        digits = tail.split("+", 1)[0]
        text = (
            f"{head}.{digits[:6]}+{tail.split('+', 1)[1]}"
            if "+" in tail
            else f"{head}.{digits[:6]}"
        )
    return datetime.fromisoformat(text)
