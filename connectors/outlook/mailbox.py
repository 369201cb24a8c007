"""One connected Outlook mailbox as the sync reads it from its connector row."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from core.models import Connector


@dataclass(frozen=True)
class Mailbox:
    connector_id: int
    owner: str  # the mailbox's address: direction is seen from here
    user_id: int | None  # the rep (crmhub user) the mail is logged for
    graph_user: str  # Graph's user id, or the address
    mode: str = "delegated"
    tenant: str = ""
    backfill_days: int = 90  # 0: the whole folders
    page_size: int = 100

    @classmethod
    def load(cls, session: Session, connector_id: int) -> Mailbox:
        row = session.get(Connector, connector_id)
        if row is None:
            raise LookupError(f"connector {connector_id} not found")
        settings = row.settings or {}
        owner = str(settings.get("email", row.name)).lower()
        return cls(
            row.id,
            owner,
            row.owner_id,
            str(settings.get("user_id") or owner),
            str(settings.get("mode", "delegated")),
            str(settings.get("tenant", "")),
            int(settings.get("backfill_days", 90)),
            int(settings.get("page_size", 100)),
        )
