"""A Gmail mailbox synced through the emulator: backfill, incremental, expiry, revocation."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import func, select

from connectors.gmail.account import mailbox_client
from connectors.gmail.config import GoogleApp
from connectors.gmail.emulator import GmailEmulator
from connectors.gmail.reconcile import reconcile_mailbox
from connectors.gmail.sync import Mailbox, sync_mailbox
from connectors.mailboxes import Spec, generate
from connectors.sync import NeedsReconnect
from core.activities.email import EmailPolicy, save_policy
from core.db import Database
from core.models import Activity, Connector, MailboxMessage, SyncRun, User, utcnow
from core.vault import Vault

SPEC = Spec(seed=3, reps=2, messages_per_mailbox=120, companies=12, contacts=40, days=30)


@pytest.fixture
def emulator() -> Iterator[GmailEmulator]:
    with GmailEmulator(generate(SPEC)) as running:
        yield running


def _connect(database: Database, vault: Vault, emulator: GmailEmulator, email: str) -> int:
    grant = emulator.credentials(email)
    with database.session() as session:
        save_policy(session, EmailPolicy(internal_domains=frozenset(SPEC.internal_domains),
                                         creation="always"))  # fmt: skip
        user = User(email=email, name=email, role="rep", password_hash="x")
        session.add(user)
        session.flush()
        row = Connector(
            kind="gmail",
            name=email,
            owner_id=user.id,
            settings={"email": email, "backfill_days": SPEC.days + 1},
            credentials_encrypted=vault.encrypt_json(
                {
                    "access_token": grant["token"],
                    "refresh_token": grant["refresh_token"],
                    "expires_at": (utcnow() + timedelta(minutes=30)).isoformat(),
                }
            ),
        )
        session.add(row)
        session.flush()
        return row.id


def _app(emulator: GmailEmulator) -> GoogleApp:
    return GoogleApp(
        emulator.client_id,
        emulator.client_secret,
        auth_uri=f"{emulator.url}/o/oauth2/auth",
        token_uri=f"{emulator.url}/token",
        api_endpoint=emulator.url,
    )


def _sync(database: Database, vault: Vault, emulator: GmailEmulator, connector_id: int):
    client = mailbox_client(database, vault, _app(emulator), connector_id)
    with database.session() as session:
        mailbox = Mailbox.load(session, connector_id)
    return sync_mailbox(database, client, mailbox)


def _count(database: Database, model: type, *where) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def test_backfill_accounts_for_every_message_and_logs_external_mail_once(
    database: Database, emulator: GmailEmulator
) -> None:
    vault = Vault([Fernet.generate_key().decode()])
    email = next(iter(emulator.mailboxes))
    truth = emulator.organization.truth()[email]
    connector = _connect(database, vault, emulator, email)
    run = _sync(database, vault, emulator, connector)
    assert run.done == len(truth.keys)
    assert _count(database, MailboxMessage) == len(truth.keys)
    with database.session() as session:
        logged = set(session.scalars(select(Activity.external_id)))
        skipped = dict(session.execute(
            select(MailboxMessage.message_id, MailboxMessage.skip_reason)
            .where(MailboxMessage.skip_reason != "")
        ).all())  # fmt: skip
    assert logged == set(truth.external)
    assert set(skipped) == set(truth.automated | truth.internal_only)
    assert all(
        reason == "internal only" or reason.startswith(("newsletter", "automat", "bulk"))
        for reason in skipped.values()
    )
    again = _sync(database, vault, emulator, connector)  # incremental: nothing new
    assert again.done == 0
    assert _count(database, Activity) == len(truth.external)


def test_new_mail_arrives_incrementally_and_an_expired_history_resyncs_once(
    database: Database, emulator: GmailEmulator
) -> None:
    vault = Vault([Fernet.generate_key().decode()])
    email = next(iter(emulator.mailboxes))
    connector = _connect(database, vault, emulator, email)
    _sync(database, vault, emulator, connector)
    before = _count(database, Activity)
    emulator.add_message(email)
    run = _sync(database, vault, emulator, connector)
    assert run.done == 1
    assert _count(database, Activity) == before + 1
    emulator.add_message(email)  # arrives while the stored history id expires
    emulator.expire_history(email)
    resynced = _sync(database, vault, emulator, connector)
    assert resynced.resyncs == 1
    assert _count(database, Activity) == before + 2  # the new one, and nothing twice
    with database.session() as session:
        cursor = session.get(Connector, connector).cursor  # type: ignore[union-attr]
    assert "history_id" in cursor["mail"]


def test_a_revoked_grant_asks_for_a_reconnect(database: Database, emulator: GmailEmulator) -> None:
    vault = Vault([Fernet.generate_key().decode()])
    email = next(iter(emulator.mailboxes))
    connector = _connect(database, vault, emulator, email)
    emulator.revoke(email)
    emulator.expire_access_tokens(email)
    with database.session() as session:
        row = session.get(Connector, connector)
        assert row is not None
        stored = vault.decrypt_json(row.credentials_encrypted)
        stored["expires_at"] = utcnow().isoformat()
        row.credentials_encrypted = vault.encrypt_json(stored)
    with pytest.raises(NeedsReconnect):
        _sync(database, vault, emulator, connector)
    with database.session() as session:
        row = session.get(Connector, connector)
        assert row is not None
        assert row.status == "needs_reconnect"
    assert _count(database, SyncRun, SyncRun.status == "succeeded") == 0


def test_reconciliation_finds_and_repairs_gaps_without_doubling(
    database: Database, emulator: GmailEmulator
) -> None:
    vault = Vault([Fernet.generate_key().decode()])
    email = next(iter(emulator.mailboxes))
    truth = emulator.organization.truth()[email]
    connector = _connect(database, vault, emulator, email)
    _sync(database, vault, emulator, connector)
    logged = _count(database, Activity)
    with database.session() as session:  # two rows lost, as a bug or a restore would
        lost = session.scalars(
            select(MailboxMessage).where(MailboxMessage.activity_id.is_not(None)).limit(2)
        ).all()
        lost_ids = {row.provider_id for row in lost}
        for row in lost:
            session.delete(row)
    emulator.add_message(email)  # and one the sync never saw
    client = mailbox_client(database, vault, _app(emulator), connector)
    with database.session() as session:
        mailbox = Mailbox.load(session, connector)
    result = reconcile_mailbox(database, client, mailbox)
    assert result.provider == len(truth.keys) + 1
    assert set(result.missing) >= lost_ids
    assert len(result.missing) == 3
    assert result.repaired == 3
    assert result.accounted == result.provider
    assert _count(database, MailboxMessage) == len(truth.keys) + 1
    assert _count(database, Activity) == logged + 1  # the new one; the lost ones not twice
    again = reconcile_mailbox(database, client, mailbox)
    assert again.missing == ()
    with database.session() as session:
        run = session.scalars(
            select(SyncRun).where(SyncRun.stream == "reconcile").order_by(SyncRun.id.desc())
        ).first()
        assert run is not None
        assert (run.done, run.total, run.error) == (result.provider, result.provider, "")
