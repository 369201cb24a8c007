"""The Outlook subscription tasks against the Graph emulator: renewal and lifecycle events."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from connectors.outlook.account import mailbox_client
from connectors.outlook.client import GraphClient
from connectors.outlook.config import MicrosoftApp
from connectors.outlook.emulator import CLIENT_ID, CLIENT_SECRET, OutlookEmulator
from connectors.outlook.mailbox import Mailbox
from connectors.outlook.subscriptions import stored_subscription, subscribe
from core.db import Database
from core.models import Connector, utcnow
from core.settings import Settings, load_settings
from core.vault import Vault
from tests.connectors.mailboxes.receiver import Receiver, running_receiver
from tests.connectors.outlook_sync.conftest import SPEC, connect
from worker import runtime
from worker.app import make_celery
from worker.config import beat_schedule
from worker.queues import queue_depths
from worker.tasks.sync import outlook_lifecycle, renew_outlook_subscriptions


@pytest.fixture
def emulator() -> Iterator[OutlookEmulator]:
    with OutlookEmulator(spec=SPEC) as running:
        yield running


@pytest.fixture
def settings(tmp_path: Path, database: Database, emulator: OutlookEmulator) -> Iterator[Settings]:
    authority = emulator.authority("common")
    loaded = load_settings({
        "CRMHUB_DATA_DIR": str(tmp_path / "var"),
        "CRMHUB_DATABASE_URL": database.url,
        "CRMHUB_BROKER_URL": f"sqla+sqlite:///{tmp_path / 'broker.db'}",
        "CRMHUB_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "CRMHUB_MICROSOFT_CLIENT_ID": CLIENT_ID,
        "CRMHUB_MICROSOFT_CLIENT_SECRET": CLIENT_SECRET,
        "CRMHUB_MICROSOFT_AUTH_URI": authority,
        "CRMHUB_MICROSOFT_TOKEN_URI": f"{authority}/oauth2/v2.0/token",
        "CRMHUB_MICROSOFT_API_URL": emulator.graph_url,
        "CRMHUB_MICROSOFT_CA_BUNDLE": emulator.certificate_path,
    })  # fmt: skip
    make_celery(loaded)
    yield loaded
    runtime.current().database.dispose()


@pytest.fixture
def vault(settings: Settings) -> Vault:
    return Vault(settings.encryption_keys)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as running:
        yield running


def client_for(settings: Settings, database: Database, vault: Vault, connector: int) -> GraphClient:
    app = MicrosoftApp.from_settings(settings.microsoft, settings.microsoft_ca_bundle)
    with database.session() as session:
        mailbox = Mailbox.load(session, connector)
    return mailbox_client(database, vault, app, mailbox)


def subscribed(
    settings: Settings, database: Database, vault: Vault, emulator: OutlookEmulator,
    receiver: Receiver, *, hours_ago: float = 0,
) -> tuple[int, dict[str, str]]:  # fmt: skip
    connector = connect(database, vault, emulator, next(iter(emulator.mailboxes)))
    record = subscribe(
        database, vault, client_for(settings, database, vault, connector), connector,
        notification_url=f"{receiver.url}/changes", lifecycle_url=f"{receiver.url}/life",
        now=utcnow() - timedelta(hours=hours_ago),
    )  # fmt: skip
    return connector, record


def test_beat_renews_outlook_subscriptions_every_six_hours(settings: Settings) -> None:
    entry = beat_schedule(settings)["renew-outlook-subscriptions"]

    assert entry["task"] == "worker.tasks.sync.renew_outlook_subscriptions"
    assert entry["schedule"] == timedelta(hours=6)


def test_a_subscription_near_expiry_is_renewed_and_a_fresh_one_is_left_alone(
    settings: Settings, database: Database, vault: Vault, emulator: OutlookEmulator,
    receiver: Receiver,
) -> None:  # fmt: skip
    near, old = subscribed(settings, database, vault, emulator, receiver, hours_ago=50)

    result = renew_outlook_subscriptions.run()

    assert result == {"renewed": 1, "failed": 0}
    renewed = stored_subscription(database, vault, near)
    assert renewed is not None
    assert renewed["expires_at"] > old["expires_at"]
    assert emulator.subscriptions.get(old["id"]).expiration - utcnow() > timedelta(hours=69)
    assert renew_outlook_subscriptions.run() == {"renewed": 0, "failed": 0}


def test_a_renewal_graph_refuses_is_counted_and_the_others_go_on(
    settings: Settings, database: Database, vault: Vault, emulator: OutlookEmulator,
    receiver: Receiver,
) -> None:  # fmt: skip
    _connector, record = subscribed(settings, database, vault, emulator, receiver, hours_ago=50)
    emulator.subscriptions.delete(record["id"])

    assert renew_outlook_subscriptions.run() == {"renewed": 0, "failed": 1}


def test_a_removed_subscription_is_recreated_then_synced(
    settings: Settings, database: Database, vault: Vault, emulator: OutlookEmulator,
    receiver: Receiver,
) -> None:  # fmt: skip
    connector, record = subscribed(settings, database, vault, emulator, receiver)
    emulator.subscriptions.lifecycle(record["id"], "subscriptionRemoved")

    result = outlook_lifecycle.run(connector, "recreate")

    assert result == {"done": "recreate"}
    fresh = stored_subscription(database, vault, connector)
    assert fresh is not None
    assert fresh["id"] != record["id"]
    assert fresh["client_state"] != record["client_state"]
    assert emulator.subscriptions.get(fresh["id"]).notification_url == f"{receiver.url}/changes"
    assert queue_depths(settings.broker_url)["sync"] == 1


def test_reauthorization_is_asked_of_graph_and_queues_no_sync(
    settings: Settings, database: Database, vault: Vault, emulator: OutlookEmulator,
    receiver: Receiver,
) -> None:  # fmt: skip
    connector, _record = subscribed(settings, database, vault, emulator, receiver)
    before = emulator.stats().get("http_requests", 0)  # Graph calls only

    assert outlook_lifecycle.run(connector, "reauthorize") == {"done": "reauthorize"}

    assert emulator.stats().get("http_requests", 0) == before + 1
    assert queue_depths(settings.broker_url)["sync"] == 0


def test_a_paused_mailbox_is_left_alone(
    settings: Settings, database: Database, vault: Vault, emulator: OutlookEmulator,
    receiver: Receiver,
) -> None:  # fmt: skip
    connector, _record = subscribed(settings, database, vault, emulator, receiver)
    with database.session() as session:
        row = session.get(Connector, connector)
        assert row is not None
        row.status = "paused"

    assert outlook_lifecycle.run(connector, "recreate") == {"skipped": True}
    assert queue_depths(settings.broker_url)["sync"] == 0
