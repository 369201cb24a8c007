"""Moving source records, their keys and the activities they linked between customers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from core.models import ActivityCustomer, IdentityKey, SourceRecord

_NO_SYNC = {"synchronize_session": False}
Link = ActivityCustomer


def move_records(session: Session, from_id: int, to_id: int, record_ids: Sequence[int]) -> None:
    """Relink records and their identity keys; the caller recomputes both customers."""
    if not record_ids:
        return
    session.flush()
    session.execute(
        update(SourceRecord)
        .where(SourceRecord.id.in_(record_ids), SourceRecord.customer_id == from_id)
        .values(customer_id=to_id)
        .execution_options(synchronize_session="fetch")
    )
    session.execute(
        update(IdentityKey)
        .where(IdentityKey.source_record_id.in_(record_ids))
        .values(customer_id=to_id)
        .execution_options(**_NO_SYNC)
    )


def move_activities(
    session: Session, from_id: int, to_id: int
) -> tuple[list[int], list[list[Any]]]:
    """Every activity of ``from_id`` now belongs to ``to_id``.

    Returns the activities moved, and those both already had ([activity, source record]),
    which is what an undo needs to put back.
    """
    links = session.execute(
        select(Link.activity_id, Link.source_record_id).where(Link.customer_id == from_id)
    ).all()
    if not links:
        return [], []
    ids = [activity_id for activity_id, _ in links]
    both = set(
        session.scalars(
            select(Link.activity_id).where(Link.customer_id == to_id, Link.activity_id.in_(ids))
        )
    )
    shared = [[activity_id, record_id] for activity_id, record_id in links if activity_id in both]
    moved = sorted(activity_id for activity_id in ids if activity_id not in both)
    if both:
        session.execute(
            delete(Link)
            .where(Link.customer_id == from_id, Link.activity_id.in_(both))
            .execution_options(**_NO_SYNC)
        )
    _relink(session, from_id, to_id, Link.activity_id.in_(moved))
    return moved, shared


def restore_activities(
    session: Session, holder_id: int, loser_id: int, details: Mapping[str, Any]
) -> None:
    """Undo ``move_activities``: moved links go back, shared ones are recreated."""
    moved = details.get("activity_ids") or []
    if moved:
        _relink(session, holder_id, loser_id, Link.activity_id.in_(moved))
    shared = details.get("shared_activities") or []
    present = set(session.scalars(select(Link.activity_id).where(Link.customer_id == loser_id)))
    rows = [
        {"activity_id": activity_id, "customer_id": loser_id, "source_record_id": record_id}
        for activity_id, record_id in shared
        if activity_id not in present
    ]
    if rows:
        session.execute(insert(Link), rows)


def split_activities(session: Session, old_id: int, new_id: int, record_id: int) -> None:
    """Activities linked through the split record follow it to its new customer."""
    _relink(session, old_id, new_id, Link.source_record_id == record_id)


def _relink(session: Session, from_id: int, to_id: int, condition: Any) -> None:
    session.execute(
        update(Link)
        .where(Link.customer_id == from_id, condition)
        .values(customer_id=to_id)
        .execution_options(**_NO_SYNC)
    )
