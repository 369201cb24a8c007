"""The Connector row an import belongs to: one per import source, made on first use.

Source records are unique per (connector, external id), so rows of two unrelated files
that both say ``external_id`` 17 stay apart when imported under two source names, and
the same file imported again under the same name finds its own records.
"""

from __future__ import annotations

import zlib

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from core.db import Database
from core.models import Connector

KIND = "csvimport"
DEFAULT_SOURCE = "CSV import"


def ensure_source(database: Database, name: str = DEFAULT_SOURCE) -> int:
    """The id of the csvimport connector of that name, created if missing."""
    with database.session() as session:
        _serialize(session, name)
        found = session.scalar(
            select(Connector.id).where(Connector.kind == KIND, Connector.name == name)
        )
        if found is not None:
            return int(found)
        connector = Connector(kind=KIND, name=name, settings={})
        session.add(connector)
        session.flush()
        return int(connector.id)


def _serialize(session: Session, name: str) -> None:
    """Two first imports at once must make one row: PostgreSQL takes a transaction lock.

    SQLite needs nothing more: its transactions start with BEGIN IMMEDIATE.
    """
    if session.get_bind().dialect.name == "postgresql":
        key = zlib.crc32(f"{KIND}:{name}".encode())
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
