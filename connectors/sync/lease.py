"""One sync per account at a time: a lease on the connector row, taken in one UPDATE.

The UPDATE succeeds only when the lease is free, expired or already ours, so two
workers racing for it cannot both win on either database. A worker that dies leaves
a lease that simply runs out.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import or_, update
from sqlalchemy.orm import Session

from core.models import Connector, utcnow


def acquire_lease(session: Session, connector_id: int, owner: str, ttl: timedelta) -> bool:
    now = utcnow()
    taken = session.execute(
        update(Connector)
        .where(
            Connector.id == connector_id,
            or_(
                Connector.sync_owner == "",
                Connector.sync_owner == owner,
                Connector.sync_lease_until.is_(None),
                Connector.sync_lease_until < now,
            ),
        )
        .values(sync_owner=owner, sync_lease_until=now + ttl)
        .execution_options(synchronize_session=False)
    )
    return taken.rowcount == 1


def renew_lease(session: Session, connector_id: int, owner: str, ttl: timedelta) -> bool:
    """Extend our lease; False when it was lost (expired and taken by another worker)."""
    renewed = session.execute(
        update(Connector)
        .where(Connector.id == connector_id, Connector.sync_owner == owner)
        .values(sync_lease_until=utcnow() + ttl)
        .execution_options(synchronize_session=False)
    )
    return renewed.rowcount == 1


def release_lease(session: Session, connector_id: int, owner: str) -> None:
    session.execute(
        update(Connector)
        .where(Connector.id == connector_id, Connector.sync_owner == owner)
        .values(sync_owner="", sync_lease_until=None)
        .execution_options(synchronize_session=False)
    )
