"""users.watch and its daily renewal, against the Gmail emulator."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import update

from connectors.gmail.client import GmailClient
from connectors.gmail.config import GoogleApp
from connectors.gmail.emulator import GmailEmulator
from connectors.gmail.watch import ensure_watch, renew_watches, start_watch, stored_watch
from connectors.mailboxes import Spec
from core.db import Database
from core.models import Connector
from core.vault import Vault
from tests.worker.mail_fixtures import connect_mailbox

SPEC = Spec(seed=5, reps=3, messages_per_mailbox=20, companies=5, contacts=10, days=10)
TOPIC = "projects/crmhub/topics/gmail"


@pytest.fixture
def gmail() -> Iterator[GmailEmulator]:
    with GmailEmulator(spec=SPEC) as emulator:
        yield emulator


def client(gmail: GmailEmulator, email: str) -> GmailClient:
    app = GoogleApp(gmail.client_id, gmail.client_secret, token_uri=f"{gmail.url}/token",
                    api_endpoint=gmail.url)  # fmt: skip
    token = gmail.credentials(email)["token"]
    return GmailClient(app, lambda _rejected: token)


def test_start_watch_returns_gmails_expiration(gmail: GmailEmulator) -> None:
    email = next(iter(gmail.mailboxes))

    watch = start_watch(client(gmail, email), TOPIC)

    assert gmail.state.watches[email]["topicName"] == TOPIC
    assert watch.expiration - datetime.now(UTC) > timedelta(days=6)
    assert int(watch.history_id) > 0


def test_renewal_watches_every_active_mailbox_and_survives_one_failing(
    gmail: GmailEmulator, database: Database
) -> None:
    vault = Vault([Fernet.generate_key().decode()])
    first, second, third = list(gmail.mailboxes)
    ids = {e: connect_mailbox(database, vault, gmail, e, SPEC) for e in (first, second, third)}
    with database.session() as session:
        session.execute(update(Connector).where(Connector.id == ids[third]).values(status="paused"))
    gmail.expire_access_tokens(second)  # its token is refused from now on

    counts = renew_watches(database, TOPIC, lambda cid: client(gmail, _email(ids, cid)))

    assert counts == {"renewed": 1, "failed": 1, "skipped": 0}
    assert set(gmail.state.watches) == {first}
    stored = stored_watch(database, ids[first])
    assert stored is not None
    assert stored["topic"] == TOPIC
    assert datetime.fromisoformat(stored["expiration"]) > datetime.now(UTC) + timedelta(days=6)
    assert stored_watch(database, ids[second]) is None


def test_without_a_topic_nothing_is_watched(gmail: GmailEmulator, database: Database) -> None:
    vault = Vault([Fernet.generate_key().decode()])
    email = next(iter(gmail.mailboxes))
    connector = connect_mailbox(database, vault, gmail, email, SPEC)

    counts = renew_watches(database, "", lambda cid: client(gmail, email))

    assert counts == {"renewed": 0, "failed": 0, "skipped": 1}
    assert gmail.state.watches == {}
    assert stored_watch(database, connector) is None


def _email(ids: dict[str, int], connector_id: int) -> str:
    return next(email for email, cid in ids.items() if cid == connector_id)


def test_a_mailbox_without_a_watch_is_watched_after_its_sync(
    gmail: GmailEmulator, database: Database
) -> None:
    """A mailbox connected today is pushed today, not after the next daily renewal."""
    vault = Vault([Fernet.generate_key().decode()])
    email, paused_email = list(gmail.mailboxes)[:2]
    connector = connect_mailbox(database, vault, gmail, email, SPEC)
    paused = connect_mailbox(database, vault, gmail, paused_email, SPEC)
    with database.session() as session:
        session.execute(update(Connector).where(Connector.id == paused).values(status="paused"))

    assert ensure_watch(database, connector, TOPIC, client(gmail, email))
    assert not ensure_watch(database, connector, TOPIC, client(gmail, email))  # has one now
    assert not ensure_watch(database, paused, TOPIC, client(gmail, paused_email))
    assert not ensure_watch(database, connector, "", client(gmail, email))

    assert set(gmail.state.watches) == {email}
    stored = stored_watch(database, connector)
    assert stored is not None
    assert stored["topic"] == TOPIC


def test_a_watch_that_cannot_start_is_left_to_the_renewal(
    gmail: GmailEmulator, database: Database
) -> None:
    vault = Vault([Fernet.generate_key().decode()])
    email = next(iter(gmail.mailboxes))
    connector = connect_mailbox(database, vault, gmail, email, SPEC)
    gmail.expire_access_tokens(email)

    assert not ensure_watch(database, connector, TOPIC, client(gmail, email))
    assert stored_watch(database, connector) is None
    assert gmail.state.watches == {}
