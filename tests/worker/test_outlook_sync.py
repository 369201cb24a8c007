"""An Outlook mailbox synced by a real worker process configured only by CRMHUB_MICROSOFT_*."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from connectors.outlook.emulator import CLIENT_ID, CLIENT_SECRET, OutlookEmulator
from core.models import Activity, MailboxMessage, SyncRun
from core.settings import load_settings
from core.vault import Vault
from tests.connectors.outlook_sync.conftest import SPEC, connect
from tests.waiting import wait_until
from tests.worker.conftest import WorkerHarness

MODES = pytest.mark.parametrize(
    ("database_url", "broker_url"),
    [("sqlite", "sql-broker"), ("postgresql", "redis-broker")],
    indirect=True,
    ids=["sqlite-sql-broker", "postgresql-redis-broker"],
)


@pytest.fixture
def emulator() -> Iterator[OutlookEmulator]:
    with OutlookEmulator(spec=SPEC) as running:
        yield running


@pytest.fixture
def worker_env(worker_env: dict[str, str], emulator: OutlookEmulator) -> dict[str, str]:
    authority = emulator.authority("common")
    return {
        **worker_env,
        "CRMHUB_MICROSOFT_CLIENT_ID": CLIENT_ID,
        "CRMHUB_MICROSOFT_CLIENT_SECRET": CLIENT_SECRET,
        "CRMHUB_MICROSOFT_AUTH_URI": authority,
        "CRMHUB_MICROSOFT_TOKEN_URI": f"{authority}/oauth2/v2.0/token",
        "CRMHUB_MICROSOFT_API_URL": emulator.graph_url,
        "CRMHUB_MICROSOFT_CA_BUNDLE": emulator.certificate_path,
    }


def _finished(harness: WorkerHarness) -> str | None:
    with harness.database.session() as session:
        return session.scalar(select(SyncRun.status).where(SyncRun.status != "running"))


@MODES
def test_the_worker_syncs_an_outlook_mailbox_with_throttling(
    harness: WorkerHarness, emulator: OutlookEmulator
) -> None:
    email = next(iter(emulator.mailboxes))
    truth = emulator.organization.truth()[email]
    vault = Vault(load_settings(harness.env).encryption_keys)
    connector = connect(harness.database, vault, emulator, email)
    emulator.faults.throttle_fraction = 0.2
    emulator.ledger.grace = 0.0
    harness.start_worker()

    harness.app.send_task("worker.tasks.sync.sync_connector", args=[connector])
    wait_until(lambda: _finished(harness) is not None, timeout=60, message="no sync ended")

    assert _finished(harness) == "succeeded"
    assert emulator.stats()["retry_after_violations"] == 0
    with harness.database.session() as session:
        accounted = session.scalar(select(func.count()).select_from(MailboxMessage))
        logged = sorted(session.scalars(select(Activity.external_id)))
    assert accounted == len(truth.keys)
    assert logged == sorted(truth.external)
