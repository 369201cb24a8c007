"""The store's common keys, counted together now and then and read by every process.

A resolve needs how many records hold each of its keys (a value's share, for u, and
"too common to nominate candidates"). Counting a common key reads all of its index
entries: at a million customers a family name's 28,000. The per-process cache
(``common_counts``) remembers such shares for a minute, yet every fresh worker, and
every worker each minute, counted them again: 3.4 ms of the slowest resolves on
PostgreSQL at that size. One pass over the keys counts every key held at least
``COMMON_COUNT`` times and keeps them in ``common_keys``; processes read the table every
few minutes and count only the keys it lacks. The pass runs hourly (beat's
``count-common-keys``) and at the end of an import that grew the store noticeably.

The pass reads in a read-only transaction and writes in another, short one: on SQLite
any other transaction takes the one write lock, and holding it across the count (5 s
at a million customers, 27 to 33 s from a cold page cache) would stop every resolve
meanwhile. Two passes at once (beat's, an import's) take turns writing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select

from core.db import Database
from core.identity.common_counts import COMMON_COUNT, common_counts
from core.identity.estimates import HIGHEST_RECORD_ID
from core.identity.locks import lock_job
from core.models import CommonKey, IdentityKey, utcnow

GROWTH_WORTH_A_RECOUNT = 0.05  # an import adding this share of the store recounts at its end

LOCK_NAME = "crmhub:identity:common-keys"
_SHARES = select(CommonKey.kind, CommonKey.value, CommonKey.holders, CommonKey.records)


def refresh_common_keys(database: Database, common: int | None = None) -> int:
    """Count every key held ``common`` (default ``COMMON_COUNT``) times or more anew;
    the number of such keys."""
    at_least = COMMON_COUNT if common is None else common
    counting = (
        select(IdentityKey.kind, IdentityKey.value, func.count())
        .group_by(IdentityKey.kind, IdentityKey.value)
        .having(func.count() >= at_least)
    )
    with database.reading() as session:  # on SQLite: without the write lock
        records = int(session.scalar(HIGHEST_RECORD_ID) or 0)
        found = session.execute(counting).all()
    counted = [(kind, value, n, max(records, n)) for kind, value, n in found]
    counted_at = utcnow()
    with database.session() as session:
        lock_job(session, LOCK_NAME)  # two passes at once (beat, an import) take turns
        session.execute(delete(CommonKey))
        if counted:
            rows = [
                {"kind": k, "value": v, "holders": n, "records": r, "counted_at": counted_at}
                for k, v, n, r in counted
            ]
            session.execute(insert(CommonKey), rows)
        # this process knows the new shares now, not when its copy of the table expires
        common_counts(session).use_table(_shares(counted))
    return len(counted)


def refresh_after_growth(
    database: Database, added: int, worth: float = GROWTH_WORTH_A_RECOUNT
) -> bool:
    """Recount when ``added`` records are a noticeable share of the store: an import of
    one company's people makes its domain common at once. True if it recounted."""
    if added <= 0:
        return False
    with database.reading() as session:
        records = int(session.scalar(HIGHEST_RECORD_ID) or 0)
    if added < worth * records:
        return False
    refresh_common_keys(database)
    return True


def read_common_shares(connection: Connection) -> dict[str, float]:
    """Each common key's share of the store's records when it was last counted."""
    return _shares(connection.execute(_SHARES))


def _shares(counted: Iterable[Sequence[Any]]) -> dict[str, float]:
    """Key -> holders / records, from (kind, value, holders, records) rows."""
    return {
        f"{kind}:{value}": holders / records
        for kind, value, holders, records in counted
        if records > 0
    }
