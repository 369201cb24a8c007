"""An Outlook mailbox synced through the Graph emulator over HTTPS with MSAL tokens."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from connectors.outlook.config import MicrosoftApp
from connectors.outlook.emulator import OutlookEmulator
from connectors.outlook.sync import sync_connector
from connectors.sync import NeedsReconnect
from connectors.sync.runner import StreamRun
from core.db import Database
from core.models import Activity, Connector, MailboxMessage, SyncRun
from core.vault import Vault
from tests.connectors.outlook_sync.conftest import connect


def _sync(database: Database, vault: Vault, app: MicrosoftApp, connector: int) -> StreamRun:
    return sync_connector(database, vault, app, connector)


def _count(database: Database, model: type, *where: Any) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _row(database: Database, connector: int) -> tuple[dict[str, Any], str, bytes | str]:
    with database.session() as session:
        row = session.get(Connector, connector)
        assert row is not None
        return dict(row.cursor or {}), row.status, row.credentials_encrypted


def test_backfill_accounts_for_every_message_and_a_second_run_logs_nothing(
    database: Database, vault: Vault, app: MicrosoftApp, emulator: OutlookEmulator, email: str
) -> None:
    truth = emulator.organization.truth()[email]
    connector = connect(database, vault, emulator, email)
    first_grant = vault.decrypt_json(_row(database, connector)[2])

    run = _sync(database, vault, app, connector)

    assert run.done == len(truth.keys) == truth.inbox + truth.sent
    assert run.pages > 2  # 25 a page over two folders
    assert _count(database, MailboxMessage) == len(truth.keys)
    with database.session() as session:
        logged = session.scalars(select(Activity.external_id)).all()
        skipped = set(
            session.scalars(
                select(MailboxMessage.message_id).where(MailboxMessage.skip_reason != "")
            )
        )
    assert sorted(logged) == sorted(truth.external)  # every one, and each once
    assert skipped == set(truth.automated | truth.internal_only)
    cursor, status, sealed = _row(database, connector)
    assert set(cursor["mail"]) == {"inbox", "sentitems"}
    assert "$deltatoken=" in cursor["mail"]["inbox"]
    assert "$deltatoken=" in cursor["mail"]["sentitems"]
    grant = vault.decrypt_json(sealed)
    assert grant["refresh_token"] != first_grant["refresh_token"]  # the rotated one is kept
    assert status == "active"

    again = _sync(database, vault, app, connector)

    assert again.done == 0
    assert again.resyncs == 0
    assert _count(database, Activity) == len(truth.external)
    assert emulator.stats()["refresh_calls"] == 1  # the stored token served the second run


def test_new_mail_arrives_incrementally_and_an_expired_delta_resyncs_once(
    database: Database, vault: Vault, app: MicrosoftApp, emulator: OutlookEmulator, email: str
) -> None:
    connector = connect(database, vault, emulator, email)
    _sync(database, vault, app, connector)
    before = _count(database, Activity)

    emulator.add_message(email)
    run = _sync(database, vault, app, connector)

    assert run.done == 1
    assert _count(database, Activity) == before + 1

    emulator.add_message(email)  # arrives while the mailbox's delta state is dropped
    emulator.expire_delta(email)
    resynced = _sync(database, vault, app, connector)

    truth = emulator.organization.truth()[email]
    assert resynced.resyncs == 1
    assert resynced.done == len(truth.keys)  # re-read whole, recorded once
    assert emulator.stats()["delta_expired"] == 1
    assert _count(database, Activity) == before + 2  # the new one, and nothing twice
    assert _count(database, MailboxMessage) == len(truth.keys)
    assert "$deltatoken=" in _row(database, connector)[0]["mail"]["sentitems"]


def test_an_expired_delta_answered_with_a_lower_case_code_also_resyncs_once(
    database: Database, vault: Vault, app: MicrosoftApp, emulator: OutlookEmulator, email: str
) -> None:
    connector = connect(database, vault, emulator, email)
    _sync(database, vault, app, connector)
    emulator.faults.delta_expired_status = 400
    emulator.faults.delta_expired_code = "resyncrequired"
    emulator.faults.delta_expired_next = 1

    run = _sync(database, vault, app, connector)

    assert run.resyncs == 1
    assert _count(database, MailboxMessage) == len(emulator.organization.truth()[email].keys)


def test_an_expiry_that_does_not_clear_fails_after_one_resync(
    database: Database, vault: Vault, app: MicrosoftApp, emulator: OutlookEmulator, email: str
) -> None:
    connector = connect(database, vault, emulator, email)
    _sync(database, vault, app, connector)
    emulator.faults.delta_expired_next = 10  # the fresh round's next links expire too

    with pytest.raises(Exception, match="delta state"):
        _sync(database, vault, app, connector)

    assert emulator.stats()["delta_expired"] == 2  # once for the old link, once after resync
    assert _count(database, SyncRun, SyncRun.status == "failed") == 1


def test_throttling_completes_without_a_request_before_retry_after(
    database: Database, vault: Vault, app: MicrosoftApp, emulator: OutlookEmulator, email: str
) -> None:
    truth = emulator.organization.truth()[email]
    connector = connect(database, vault, emulator, email, page_size=20)
    emulator.faults.throttle_fraction = 0.3
    emulator.faults.unavailable_fraction = 0.05
    emulator.faults.seed = 7
    emulator.ledger.grace = 0.0  # one request at a time: none is on the wire at a 429

    run = _sync(database, vault, app, connector)

    stats = emulator.stats()
    assert stats["injected_throttles"] > 0
    assert stats["retry_after_violations"] == 0
    assert stats.get("retry_after_violations_seen", 0) == 0
    assert run.done == len(truth.keys)
    assert _count(database, Activity) == len(truth.external)


def test_a_revoked_refresh_token_asks_for_a_reconnect(
    database: Database, vault: Vault, app: MicrosoftApp, emulator: OutlookEmulator, email: str
) -> None:
    connector = connect(database, vault, emulator, email)
    emulator.revoke(email)

    with pytest.raises(NeedsReconnect, match="invalid_grant"):
        _sync(database, vault, app, connector)

    assert _row(database, connector)[1] == "needs_reconnect"
    assert _count(database, SyncRun, SyncRun.status == "failed") == 1
    assert _count(database, MailboxMessage) == 0
    with pytest.raises(NeedsReconnect):  # no second refresh with a dead token
        _sync(database, vault, app, connector)
    assert emulator.stats()["refresh_calls"] == 1


def test_application_mode_reads_the_mailbox_with_an_app_only_token(
    database: Database, vault: Vault, app: MicrosoftApp, emulator: OutlookEmulator, email: str
) -> None:
    truth = emulator.organization.truth()[email]
    connector = connect(database, vault, emulator, email, mode="application")

    run = _sync(database, vault, app, connector)

    assert run.done == len(truth.keys)
    assert emulator.stats()["token.client_credentials"] == 1
    assert emulator.stats().get("refresh_calls", 0) == 0
