"""A Gmail emulator and a connected mailbox, for tests that sync through real workers."""

from __future__ import annotations

from datetime import timedelta

from connectors.gmail.emulator import GmailEmulator
from connectors.mailboxes import Spec
from core.activities.email import EmailPolicy, save_policy
from core.db import Database
from core.models import Connector, User, utcnow
from core.vault import Vault


def google_env(emulator: GmailEmulator) -> dict[str, str]:
    """The variables that point every crmhub process at the emulator."""
    return {
        "CRMHUB_GOOGLE_CLIENT_ID": emulator.client_id,
        "CRMHUB_GOOGLE_CLIENT_SECRET": emulator.client_secret,
        "CRMHUB_GOOGLE_AUTH_URI": f"{emulator.url}/o/oauth2/auth",
        "CRMHUB_GOOGLE_TOKEN_URI": f"{emulator.url}/token",
        "CRMHUB_GOOGLE_API_URL": emulator.url,
    }


def connect_mailbox(
    database: Database,
    vault: Vault,
    emulator: GmailEmulator,
    email: str,
    spec: Spec,
    *,
    page_size: int = 500,
    expires_in: timedelta = timedelta(minutes=30),
) -> int:
    """A rep, the organization's email policy, and the rep's Gmail connector row."""
    grant = emulator.credentials(email)
    with database.session() as session:
        save_policy(
            session,
            EmailPolicy(internal_domains=frozenset(spec.internal_domains), creation="always"),
        )
        user = User(email=email, name=email, role="rep", password_hash="x")
        session.add(user)
        session.flush()
        row = Connector(
            kind="gmail",
            name=email,
            owner_id=user.id,
            settings={"email": email, "backfill_days": spec.days + 1, "page_size": page_size},
            credentials_encrypted=vault.encrypt_json(
                {
                    "access_token": grant["token"],
                    "refresh_token": grant["refresh_token"],
                    "expires_at": (utcnow() + expires_in).isoformat(),
                }
            ),
        )
        session.add(row)
        session.flush()
        return row.id
