"""At most one queued sync per mailbox per second, however many pushes arrive.

Gmail pushes at most once a second per user, Pub/Sub may deliver a push twice, and
several gunicorn processes may take them: the last time a sync was queued for a
mailbox is kept in the database, in an AppSetting row ``gmail.push.<connector id>``
(not on the connector row, which the running sync updates page by page). A second
sync would be harmless anyway, since the sync lease makes it a no-op, but it would
still cost a broker message and a worker's attention.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.db import Database
from core.models import AppSetting, utcnow

KEY_PREFIX = "gmail.push."
WINDOW = timedelta(seconds=1)


def claim_sync(database: Database, connector_id: int) -> bool:
    """``claim`` in its own transaction: True when this caller should queue the sync."""
    try:
        with database.session() as session:
            return claim(session, connector_id, utcnow())
    except IntegrityError:  # another process claimed it first, this very moment
        return False


def claim(session: Session, connector_id: int, now: datetime) -> bool:
    """True when this caller should queue the sync (recorded in the caller's transaction).

    Two concurrent first claims both insert the row; the loser's commit fails on the
    primary key, and the caller treats that as "already queued".
    """
    key = f"{KEY_PREFIX}{connector_id}"
    row = session.scalar(select(AppSetting).where(AppSetting.key == key).with_for_update())
    if row is None:
        session.add(AppSetting(key=key, value={"queued_at": now.isoformat()}))
        return True
    last = _parse(row.value.get("queued_at"))
    if last is not None and timedelta(0) <= now - last < WINDOW:
        return False
    row.value = {"queued_at": now.isoformat()}
    return True


def _parse(value: object) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None
