"""Subscriptions made through the Graph emulator, and the notifications it sends back."""

from __future__ import annotations

import json
from datetime import timedelta

from connectors.outlook.account import mailbox_client
from connectors.outlook.client import GraphClient
from connectors.outlook.config import MicrosoftApp
from connectors.outlook.emulator import OutlookEmulator
from connectors.outlook.mailbox import Mailbox
from connectors.outlook.subscriptions import (
    Known,
    connectors_to_sync,
    known_subscriptions,
    lifecycle_actions,
    renew_if_due,
    stored_subscription,
    subscribe,
    validation_token,
)
from core.db import Database
from core.models import Connector, utcnow
from core.vault import Vault
from tests.connectors.mailboxes.receiver import running_receiver
from tests.connectors.outlook_sync.conftest import connect
from tests.waiting import wait_until


def _client(database: Database, vault: Vault, app: MicrosoftApp, connector: int) -> GraphClient:
    with database.session() as session:
        mailbox = Mailbox.load(session, connector)
    return mailbox_client(database, vault, app, mailbox)


def test_a_subscription_is_stored_encrypted_and_its_notifications_name_the_connector(
    database: Database, vault: Vault, app: MicrosoftApp, emulator: OutlookEmulator, email: str
) -> None:
    connector = connect(database, vault, emulator, email)
    client = _client(database, vault, app, connector)
    with running_receiver() as receiver:
        record = subscribe(database, vault, client, connector,
                           notification_url=f"{receiver.url}/changes",
                           lifecycle_url=f"{receiver.url}/life")  # fmt: skip
        emulator.add_message(email)
        wait_until(receiver.bodies, timeout=10, message="no notification arrived")
        body = json.loads(receiver.bodies()[0])
    with database.session() as session:
        sealed = session.get(Connector, connector).credentials_encrypted  # type: ignore[union-attr]
        known = known_subscriptions(session, vault)

    assert record["client_state"] not in str(sealed)
    assert stored_subscription(database, vault, connector) == record
    assert known == {record["id"]: Known(connector, record["client_state"])}
    assert connectors_to_sync(body, known) == ([connector], 0)
    forged = {"value": [{**body["value"][0], "clientState": "guessed"}]}
    assert connectors_to_sync(forged, known) == ([], 1)
    assert connectors_to_sync({"value": [{"subscriptionId": "other"}]}, known) == ([], 1)
    assert connectors_to_sync("not json", known) == ([], 0)


def test_renewal_happens_only_when_expiry_is_near(
    database: Database, vault: Vault, app: MicrosoftApp, emulator: OutlookEmulator, email: str
) -> None:
    connector = connect(database, vault, emulator, email)
    client = _client(database, vault, app, connector)
    earlier = utcnow() - timedelta(hours=50)  # made then: 20 hours of life are left now
    with running_receiver() as receiver:
        first = subscribe(database, vault, client, connector, now=earlier,
                          notification_url=receiver.url, lifecycle_url=receiver.url)  # fmt: skip

    assert not renew_if_due(database, vault, client, connector, now=earlier)
    assert renew_if_due(database, vault, client, connector, now=utcnow())
    renewed = stored_subscription(database, vault, connector)
    assert renewed is not None
    assert renewed["expires_at"] > first["expires_at"]
    remaining = emulator.subscriptions.get(first["id"]).expiration - utcnow()
    assert remaining > timedelta(hours=69)


def test_lifecycle_events_become_actions_for_verified_subscriptions(
    database: Database, vault: Vault, app: MicrosoftApp, emulator: OutlookEmulator, email: str
) -> None:
    connector = connect(database, vault, emulator, email)
    client = _client(database, vault, app, connector)
    with running_receiver() as receiver:
        record = subscribe(database, vault, client, connector,
                           notification_url=f"{receiver.url}/changes",
                           lifecycle_url=f"{receiver.url}/life")  # fmt: skip
        emulator.subscriptions.lifecycle(record["id"], "reauthorizationRequired")
        wait_until(receiver.bodies, timeout=10, message="no lifecycle event")
        body = json.loads(receiver.bodies()[-1])
    known = {record["id"]: Known(connector, record["client_state"])}

    actions = lifecycle_actions(body, known)
    events = [{**body["value"][0], "lifecycleEvent": e} for e in ("missed", "subscriptionRemoved")]

    assert [(a.connector_id, a.action) for a in actions] == [(connector, "reauthorize")]
    assert [a.action for a in lifecycle_actions({"value": events}, known)] == ["sync", "recreate"]
    assert lifecycle_actions(body, {}) == []
    assert validation_token({"validationToken": "Validation: abc"}) == "Validation: abc"
    assert validation_token({}) is None
