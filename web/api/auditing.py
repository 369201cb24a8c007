"""Audit entries for writes made through the API, naming the token that made them."""

from __future__ import annotations

from typing import Any

from flask import request
from sqlalchemy.orm import Session

from core import audit
from core.models import AuditEntry
from web.api.tokens import current_client

MAX_ACTOR = 320


def token_actor() -> str:
    """How the calling token appears as an actor, in the audit log and in lineage."""
    client = current_client()
    return f"api:{client.name} ({client.prefix})"[:MAX_ACTOR]


def record_api_action(
    session: Session, action: str, *, target: str = "", details: dict[str, Any] | None = None
) -> AuditEntry:
    """Record in the caller's transaction, so the entry exists only if the write does."""
    return audit.record(
        session,
        token_actor(),
        action,
        target=target,
        details={**(details or {}), "token_id": current_client().token_id},
        remote_addr=request.remote_addr or "unknown",
    )
