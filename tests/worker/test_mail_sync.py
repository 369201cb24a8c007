"""Mailbox sync in real worker processes against the Gmail emulator: faults and kills."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from connectors.gmail.config import GoogleApp
from connectors.gmail.emulator import GmailEmulator
from connectors.gmail.oauth import refresher
from connectors.mailboxes import Spec, generate
from connectors.sync import current_credentials
from core.db import Database
from core.models import Activity, Connector, MailboxMessage, SyncRun
from core.settings import load_settings
from core.vault import Vault
from tests.waiting import wait_until
from tests.worker.conftest import WorkerHarness
from tests.worker.killing import kill_tree
from tests.worker.mail_fixtures import connect_mailbox, google_env

SPEC = Spec(seed=11, reps=1, messages_per_mailbox=400, companies=15, contacts=60, days=30)
MODES = pytest.mark.parametrize(
    ("database_url", "broker_url"),
    [("sqlite", "sql-broker"), ("postgresql", "redis-broker")],
    indirect=True,
    ids=["sqlite-sql-broker", "postgresql-redis-broker"],
)


@pytest.fixture
def emulator() -> Iterator[GmailEmulator]:
    with GmailEmulator(generate(SPEC)) as running:
        yield running


@pytest.fixture
def worker_env(worker_env: dict[str, str], emulator: GmailEmulator) -> dict[str, str]:
    return {**worker_env, **google_env(emulator), "CRMHUB_SYNC_LEASE_SECONDS": "5"}


def _vault(harness: WorkerHarness) -> Vault:
    return Vault(load_settings(harness.env).encryption_keys)


def _accounted(harness: WorkerHarness) -> int:
    with harness.database.session() as session:
        return session.scalar(select(func.count()).select_from(MailboxMessage)) or 0


def _finished(harness: WorkerHarness) -> bool:
    with harness.database.session() as session:
        return bool(session.scalar(select(SyncRun.id).where(SyncRun.status == "succeeded")))


def _sync(harness: WorkerHarness, connector_id: int) -> None:
    harness.app.send_task("worker.tasks.sync.sync_connector", args=[connector_id])


@MODES
def test_a_worker_killed_mid_backfill_loses_and_doubles_nothing(
    harness: WorkerHarness, emulator: GmailEmulator
) -> None:
    email = next(iter(emulator.mailboxes))
    truth = emulator.organization.truth()[email]
    connector = connect_mailbox(harness.database, _vault(harness), emulator, email, SPEC,
                                page_size=20)  # fmt: skip
    emulator.faults.latency = 0.02  # slow enough to be caught mid-backfill
    first = harness.start_worker()
    _sync(harness, connector)
    wait_until(lambda: _accounted(harness) >= 60, timeout=60, message="the backfill never began")
    kill_tree(first.pid)
    first.wait(timeout=30)
    killed_at = _accounted(harness)
    assert killed_at < len(truth.keys)
    emulator.faults.latency = 0.0
    harness.start_worker()
    _sync(harness, connector)  # what beat's poll does; the dead worker's lease runs out
    wait_until(lambda: _finished(harness), timeout=120, message="the resumed sync never ended")
    assert _accounted(harness) == len(truth.keys)
    with harness.database.session() as session:
        logged = session.scalars(select(Activity.external_id)).all()
        cursor = session.get(Connector, connector).cursor  # type: ignore[union-attr]
    assert sorted(logged) == sorted(truth.external)  # every one, and each once
    assert "history_id" in cursor["mail"]


@MODES
def test_rate_limits_everywhere_still_complete_without_jumping_retry_after(
    harness: WorkerHarness, emulator: GmailEmulator
) -> None:
    email = next(iter(emulator.mailboxes))
    truth = emulator.organization.truth()[email]
    connector = connect_mailbox(harness.database, _vault(harness), emulator, email, SPEC,
                                page_size=100)  # fmt: skip
    emulator.faults.rate_limit_fraction = 0.3
    emulator.faults.batch_part_rate_limit_fraction = 0.3
    emulator.faults.server_error_fraction = 0.05
    harness.start_worker()
    _sync(harness, connector)
    wait_until(lambda: _finished(harness), timeout=180, message="the sync never ended")
    stats = emulator.stats()
    assert stats["retry_after_violations"] == 0
    assert _accounted(harness) == len(truth.keys)
    with harness.database.session() as session:
        assert session.scalar(select(func.count()).select_from(Activity)) == len(truth.external)


def _refresh_in_process(database_url: str, keys: list[str], app: GoogleApp, connector: int) -> str:
    import requests  # noqa: PLC0415 - runs in a fresh interpreter

    database = Database(database_url)
    try:
        refresh = refresher(app, requests.Session())
        credentials = current_credentials(database, Vault(keys), connector, refresh)
        return str(credentials["access_token"])
    finally:
        database.dispose()


def test_eight_processes_with_an_expired_token_refresh_it_once(
    database: Database, emulator: GmailEmulator
) -> None:
    from cryptography.fernet import Fernet  # noqa: PLC0415

    keys = [Fernet.generate_key().decode()]
    email = next(iter(emulator.mailboxes))
    connector = connect_mailbox(database, Vault(keys), emulator, email, SPEC,
                                expires_in=timedelta(seconds=-1))  # fmt: skip
    app = GoogleApp(emulator.client_id, emulator.client_secret,
                    token_uri=f"{emulator.url}/token", api_endpoint=emulator.url)  # fmt: skip
    context = multiprocessing.get_context("spawn")
    with context.Pool(8) as pool:
        tokens = pool.starmap(_refresh_in_process, [(database.url, keys, app, connector)] * 8)
    assert emulator.stats()["refresh_calls_by_user"] == {email: 1}
    assert len(set(tokens)) == 1
