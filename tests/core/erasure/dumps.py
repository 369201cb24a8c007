"""The whole database as text, the way someone auditing an erasure would grep it.

PostgreSQL is dumped by pg_dump (bytea comes out as hex); SQLite by ``iterdump``
(blobs as hex, JSON with ``\\uXXXX`` escapes). ``hits`` therefore looks for each
string as written, JSON-escaped and hex-encoded, case-insensitively.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
from collections.abc import Iterable

from core.db import Database
from tests.servers import PG_BIN


def dump(database: Database) -> str:
    if database.dialect == "sqlite":
        path = database.url.removeprefix("sqlite:///")
        connection = sqlite3.connect(path)
        try:
            return "\n".join(connection.iterdump())
        finally:
            connection.close()
    url = database.url.replace("postgresql+psycopg://", "postgresql://", 1)
    result = subprocess.run(
        [str(PG_BIN / "pg_dump"), "--data-only", "--no-owner", f"--dbname={url}"],
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def spellings(value: str) -> set[str]:
    return {value.lower(), json.dumps(value)[1:-1].lower(), value.encode().hex()}


def hits(text: str, values: Iterable[str]) -> dict[str, int]:
    """How often each value occurs in the dump, in any of its stored spellings."""
    lowered = text.lower()
    return {v: sum(lowered.count(s) for s in spellings(v)) for v in values}
