"""The benchmark's Gmail side: the emulator, crmhub's env for it, connected mailboxes.

``connect`` repeats what the worker tests do to connect a rep's mailbox (benchmarks do
not import tests): a rep, the organization's email policy, a Gmail connector row with
the emulator's grant in its encrypted credentials.
"""

from __future__ import annotations

from datetime import timedelta

from connectors.gmail.emulator import GmailEmulator
from connectors.mailboxes import Spec
from core.activities.email import EmailPolicy, save_policy
from core.db import Database
from core.models import Connector, User, utcnow
from core.vault import Vault

TOPIC = "projects/crmhub-bench/topics/gmail"


def google_env(emulator: GmailEmulator) -> dict[str, str]:
    """Every crmhub process talks to the emulator, and trusts its push tokens."""
    return {
        "CRMHUB_GOOGLE_CLIENT_ID": emulator.client_id,
        "CRMHUB_GOOGLE_CLIENT_SECRET": emulator.client_secret,
        "CRMHUB_GOOGLE_AUTH_URI": f"{emulator.url}/o/oauth2/auth",
        "CRMHUB_GOOGLE_TOKEN_URI": f"{emulator.url}/token",
        "CRMHUB_GOOGLE_API_URL": emulator.url,
        "CRMHUB_GOOGLE_CERTS_URL": f"{emulator.url}/oauth2/v1/certs",
        "CRMHUB_GMAIL_PUSH_SERVICE_ACCOUNT": emulator.pusher.service_account,
        "CRMHUB_GMAIL_PUSH_TOPIC": TOPIC,
    }


def connect(
    database: Database, vault: Vault, emulator: GmailEmulator, email: str, spec: Spec
) -> int:
    grant = emulator.credentials(email)
    with database.session() as session:
        save_policy(
            session,
            EmailPolicy(internal_domains=frozenset(spec.internal_domains), creation="always"),
        )
        user = User(email=email, name=email, role="rep", password_hash="!")  # noqa: S106 - never signs in
        session.add(user)
        session.flush()
        row = Connector(
            kind="gmail",
            name=email,
            owner_id=user.id,
            settings={"email": email, "backfill_days": spec.days + 1, "page_size": 500},
            credentials_encrypted=vault.encrypt_json(
                {
                    "access_token": grant["token"],
                    "refresh_token": grant["refresh_token"],
                    "expires_at": (utcnow() + timedelta(minutes=50)).isoformat(),
                }
            ),
        )
        session.add(row)
        session.flush()
        return row.id
