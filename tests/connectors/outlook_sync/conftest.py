"""An Outlook emulator over one small mailbox, and a connected rep's connector row."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from cryptography.fernet import Fernet

from connectors.mailboxes import Spec
from connectors.outlook.config import MicrosoftApp
from connectors.outlook.emulator import CLIENT_ID, CLIENT_SECRET, TENANT, OutlookEmulator
from core.activities.email import EmailPolicy, save_policy
from core.db import Database
from core.models import Connector, User, utcnow
from core.vault import Vault

SPEC = Spec(seed=21, reps=1, messages_per_mailbox=120, companies=10, contacts=40, days=30)


@pytest.fixture
def emulator() -> Iterator[OutlookEmulator]:
    with OutlookEmulator(spec=SPEC) as running:
        yield running


@pytest.fixture
def email(emulator: OutlookEmulator) -> str:
    return next(iter(emulator.mailboxes))


@pytest.fixture
def vault() -> Vault:
    return Vault([Fernet.generate_key().decode()])


@pytest.fixture
def app(emulator: OutlookEmulator) -> MicrosoftApp:
    """What CRMHUB_MICROSOFT_* and CRMHUB_MICROSOFT_CA_BUNDLE give for the emulator."""
    return MicrosoftApp(
        CLIENT_ID,
        CLIENT_SECRET,
        authority=emulator.authority("common"),
        token_uri=f"{emulator.authority('common')}/oauth2/v2.0/token",
        graph_url=emulator.graph_url,
        ca_bundle=emulator.certificate_path,
    )


def connect(
    database: Database,
    vault: Vault,
    emulator: OutlookEmulator,
    email: str,
    **settings: Any,
) -> int:
    """A rep, the organization's email policy, and the rep's Outlook connector row.

    Delegated rows hold only a refresh token (as after consent): the first sync refreshes.
    """
    mode = settings.get("mode", "delegated")
    credentials = {}
    if mode == "delegated":
        credentials = {
            "refresh_token": emulator.user_refresh_token(email),
            "expires_at": (utcnow() - timedelta(minutes=1)).isoformat(),
        }
    with database.session() as session:
        save_policy(
            session,
            EmailPolicy(internal_domains=frozenset(SPEC.internal_domains), creation="always"),
        )
        user = User(email=email, name=email, role="rep", password_hash="x")
        session.add(user)
        session.flush()
        row = Connector(
            kind="outlook",
            name=email,
            owner_id=user.id,
            settings={
                "email": email,
                "backfill_days": SPEC.days + 1,
                "page_size": 25,
                **({"tenant": TENANT} if mode == "application" else {}),
                **settings,
            },
            credentials_encrypted=vault.encrypt_json(credentials),
        )
        session.add(row)
        session.flush()
        return row.id
