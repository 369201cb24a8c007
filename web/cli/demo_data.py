"""What ``crmhub demo`` puts in the database: reps, their connected mailboxes, a policy.

The mailboxes are connected with grants the emulator issued, exactly as the OAuth
callback would store them, so the sync that follows is the product's own.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.activities.email import EmailPolicy, load_policy, save_policy
from core.models import Activity, Connector, Customer, MailboxMessage, User, utcnow
from core.vault import Vault


def prepare_policy(session: Session, internal_domains: tuple[str, ...]) -> None:
    """The demo organization's domains are internal; unknown correspondents become customers."""
    policy = load_policy(session)
    data = policy.to_json()
    data["internal_domains"] = sorted(set(policy.internal_domains) | set(internal_domains))
    data["creation"] = "always"
    save_policy(session, EmailPolicy.from_json(data))


def connect_gmail(session: Session, vault: Vault, email: str, grant: dict[str, Any]) -> int:
    """The rep (created if new) and their Gmail connector, holding the emulator's grant."""
    user = _rep(session, email)
    row = session.scalar(
        select(Connector).where(Connector.kind == "gmail", Connector.owner_id == user.id)
    )
    if row is None:
        row = Connector(kind="gmail", name=email, owner_id=user.id)
        session.add(row)
    row.settings = {"email": email, "backfill_days": 120, "page_size": 500}
    row.status, row.last_error = "active", ""
    row.credentials_encrypted = vault.encrypt_json(
        {
            "access_token": grant["token"],
            "refresh_token": grant["refresh_token"],
            "expires_at": (utcnow() + timedelta(minutes=50)).isoformat(),
        }
    )
    session.flush()
    return row.id


@dataclass
class DemoCounts:
    mailboxes: int = 0
    messages: int = 0
    logged: int = 0
    customers: int = 0
    activities: int = 0
    skipped: Counter[str] = field(default_factory=Counter)


def demo_counts(session: Session, connector_ids: list[int]) -> DemoCounts:
    counts = DemoCounts(mailboxes=len(connector_ids))
    rows = session.execute(
        select(MailboxMessage.skip_reason, func.count())
        .where(MailboxMessage.connector_id.in_(connector_ids))
        .group_by(MailboxMessage.skip_reason)
    ).all()
    for reason, number in rows:
        counts.messages += number
        if reason:
            counts.skipped[_reason_group(reason)] += number
        else:
            counts.logged += number
    active = Customer.merged_into_id.is_(None)
    counts.customers = session.scalar(select(func.count()).select_from(Customer).where(active)) or 0
    counts.activities = session.scalar(select(func.count()).select_from(Activity)) or 0
    return counts


def _reason_group(reason: str) -> str:
    """ "newsletter (List-Unsubscribe)" and "newsletter (…)" count together."""
    return reason.split(" (", 1)[0]


def connect_outlook(session: Session, vault: Vault, email: str, refresh_token: str) -> int:
    """The rep and their Outlook connector, holding a refresh token as after consent."""
    user = _rep(session, email)
    row = session.scalar(
        select(Connector).where(Connector.kind == "outlook", Connector.owner_id == user.id)
    )
    if row is None:
        row = Connector(kind="outlook", name=email, owner_id=user.id)
        session.add(row)
    row.settings = {"email": email, "mode": "delegated", "backfill_days": 120, "page_size": 100}
    row.status, row.last_error, row.cursor = "active", "", {}
    # No access token yet: the first sync refreshes, exactly as after a real consent.
    row.credentials_encrypted = vault.encrypt_json(
        {"refresh_token": refresh_token, "expires_at": utcnow().isoformat()}
    )
    session.flush()
    return row.id


def _rep(session: Session, email: str) -> User:
    user = session.scalar(select(User).where(User.email == email))
    if user is None:
        name = email.split("@", maxsplit=1)[0].replace(".", " ").title()
        user = User(email=email, name=name, role="rep")
        session.add(user)
        session.flush()
    return user
