"""The append-only audit log of admin actions."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from core.models import AuditEntry, User


def record(
    session: Session,
    actor: User | str,
    action: str,
    *,
    target: str = "",
    details: dict[str, Any] | None = None,
    remote_addr: str = "",
) -> AuditEntry:
    """Add an entry in the caller's transaction, so it exists only if the action does."""
    entry = AuditEntry(
        actor_id=actor.id if isinstance(actor, User) else None,
        actor=actor.email if isinstance(actor, User) else actor,
        action=action,
        target=target,
        details=details or {},
        remote_addr=remote_addr,
    )
    session.add(entry)
    return entry
