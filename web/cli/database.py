"""The database for one command, released when the command ends.

A command's pooled connections are closed on the way out, so a long-lived caller
(a test runner, a shell loop in Python) never finds PostgreSQL sessions left open.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from core.db import Database
from web.cli.context import CliContext


@contextmanager
def opened_database(ctx: CliContext) -> Iterator[Database]:
    """The checked database (unreachable or without tables: a one-line error), disposed
    afterwards."""
    database = ctx.current_database()
    try:
        yield database
    finally:
        database.dispose()
