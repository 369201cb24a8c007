"""Audit entries for actions taken through the web, with who and from where."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_login import current_user
from sqlalchemy.orm import Session

from core import audit
from core.models import AuditEntry, User


def client_address() -> str:
    return request.remote_addr or "unknown"


def record_action(
    session: Session,
    action: str,
    *,
    actor: User | None = None,
    target: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record in the caller's transaction; the actor defaults to the signed-in user."""
    if actor is None:
        actor = session.get(User, current_user.id)
    return audit.record(
        session,
        actor if actor is not None else "unknown",
        action,
        target=target,
        details=details,
        remote_addr=client_address(),
    )
