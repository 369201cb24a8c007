"""The connector row that records and activities created through the API belong to.

Source records and activities are unique per (connector, external id); one connector of
kind "api" gives API-created data that home, so a caller's own id makes a retried create
find what the first attempt stored. It is made on first use, once even under races.
"""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from core.identity.locks import lock_number
from core.models import Connector

KIND = "api"
NAME = "REST API"


def api_connector_id(session: Session) -> int:
    """The id of the "api" connector, created in the caller's transaction if missing.

    Only the first creates wait on the lock; once the row exists, creates run side by
    side, each record serialized by its own identity locks.
    """
    found = _find(session)
    if found is not None:
        return found
    _serialize(session)
    found = _find(session)
    if found is not None:
        return found
    connector = Connector(kind=KIND, name=NAME, settings={})
    session.add(connector)
    session.flush()
    return int(connector.id)


def _find(session: Session) -> int | None:
    found = session.scalar(
        select(Connector.id).where(Connector.kind == KIND).order_by(Connector.id).limit(1)
    )
    return None if found is None else int(found)


def _serialize(session: Session) -> None:
    """PostgreSQL: a transaction lock, so two first creates make one row.

    SQLite needs nothing more: its transactions start with BEGIN IMMEDIATE.
    """
    if session.get_bind().dialect.name == "postgresql":
        key = lock_number(f"connector:{KIND}")
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
