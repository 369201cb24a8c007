"""Gmail push end to end in real processes: watch, signed push, web endpoint, worker sync."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from connectors.gmail.emulator import GmailEmulator
from connectors.mailboxes import Spec, generate
from core.models import Activity, MailboxMessage, SyncRun
from core.settings import load_settings
from core.vault import Vault
from tests.waiting import wait_until
from tests.worker.conftest import WorkerHarness
from tests.worker.mail_fixtures import connect_mailbox, google_env
from web.app import create_app

SPEC = Spec(seed=3, reps=1, messages_per_mailbox=40, companies=6, contacts=20, days=20)
AUDIENCE = "https://crmhub.test/push/gmail"
ONE_PAIRING = pytest.mark.parametrize(
    ("database_url", "broker_url"), [("sqlite", "sql-broker")], indirect=True, ids=["sqlite"]
)


@pytest.fixture
def emulator() -> Iterator[GmailEmulator]:
    with GmailEmulator(generate(SPEC)) as running:
        yield running


@pytest.fixture
def worker_env(worker_env: dict[str, str], emulator: GmailEmulator) -> dict[str, str]:
    return {
        **worker_env,
        **google_env(emulator),
        "CRMHUB_SYNC_LEASE_SECONDS": "5",
        "CRMHUB_GMAIL_PUSH_TOPIC": "projects/crmhub/topics/gmail",
        "CRMHUB_GMAIL_PUSH_AUDIENCE": AUDIENCE,
        "CRMHUB_GMAIL_PUSH_SERVICE_ACCOUNT": emulator.pusher.service_account,
        "CRMHUB_GOOGLE_CERTS_URL": f"{emulator.url}/oauth2/v1/certs",
    }


@pytest.fixture
def web_url(harness: WorkerHarness) -> Iterator[str]:
    app = create_app(load_settings(harness.env), harness.database)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


def _count(harness: WorkerHarness, model: type) -> int:
    with harness.database.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def _succeeded_runs(harness: WorkerHarness) -> int:
    with harness.database.session() as session:
        query = select(func.count()).where(SyncRun.status == "succeeded")
        return session.scalar(query.select_from(SyncRun)) or 0


def _row(harness: WorkerHarness, provider_id: str) -> MailboxMessage | None:
    with harness.database.session() as session:
        return session.scalar(
            select(MailboxMessage).where(MailboxMessage.provider_id == provider_id)
        )


@ONE_PAIRING
def test_a_push_for_a_new_message_logs_exactly_that_message(
    harness: WorkerHarness, emulator: GmailEmulator, web_url: str
) -> None:
    email = next(iter(emulator.mailboxes))
    vault = Vault(load_settings(harness.env).encryption_keys)
    connector = connect_mailbox(harness.database, vault, emulator, email, SPEC)
    harness.start_worker()
    harness.app.send_task("worker.tasks.sync.sync_connector", args=[connector])
    wait_until(lambda: _succeeded_runs(harness) == 1, timeout=60, message="no backfill")
    # Watched by its first sync, not at the next daily renewal.
    wait_until(lambda: email in emulator.state.watches, timeout=30, message="never watched")
    emulator.pusher.audience = AUDIENCE
    emulator.pusher.endpoint = f"{web_url}/push/gmail"
    activities = _count(harness, Activity)
    with harness.database.session() as session:
        before = set(session.scalars(select(Activity.id)).all())

    added = emulator.add_message(email)  # no poll runs here: only the push can bring it

    wait_until(lambda: _row(harness, added) is not None, timeout=30, message="push never synced")
    row = _row(harness, added)
    with harness.database.session() as session:
        after = set(session.scalars(select(Activity.id)).all())
    assert row is not None
    assert row.activity_id is not None
    assert after - before == {row.activity_id}
    assert _count(harness, Activity) == activities + 1
    assert emulator.stats()["push_sent"] >= 1
    assert emulator.stats().get("push_failures", 0) == 0
