"""Writing an activity and its links in the caller's transaction, exactly once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.activities.inputs import ActivityInput
from core.models import Activity, ActivityCustomer, ActivityRep
from core.outbox import write_event
from core.records.jsonsafe import json_safe


@dataclass(frozen=True)
class LoggedActivity:
    activity_id: int
    created: bool


def log_activity(
    session: Session,
    item: ActivityInput,
    *,
    customer_ids: Sequence[int],
    rep_ids: Sequence[int] = (),
    source_records: Mapping[int, int] | None = None,
) -> LoggedActivity:
    """Insert the activity unless it exists, then add any missing customer and rep links.

    ``source_records`` maps a customer id to the source record whose key linked the
    activity, so a later split takes the activity along. ``activity.logged`` is written
    only when the activity is new: a redelivered webhook or a re-run sync adds nothing.
    """
    activity_id = _existing(session, item)
    created = activity_id is None
    if activity_id is None:
        activity_id = insert_unless_present(session, item)
        created = activity_id is not None
        if activity_id is None:  # another transaction inserted it first
            activity_id = _existing(session, item)
            assert activity_id is not None
    links = source_records or {}
    _link(session, ActivityCustomer, activity_id, "customer_id", customer_ids, sources=links)
    _link(session, ActivityRep, activity_id, "user_id", rep_ids, sources={})
    if created:
        _logged_event(session, activity_id, item, customer_ids, rep_ids)
    return LoggedActivity(activity_id, created)


def _existing(session: Session, item: ActivityInput) -> int | None:
    query = select(Activity.id).where(Activity.external_id == item.external_id)
    if item.connector_id is None:
        query = query.where(Activity.connector_id.is_(None))
    else:
        query = query.where(Activity.connector_id == item.connector_id)
    return session.scalar(query)


def insert_unless_present(session: Session, item: ActivityInput) -> int | None:
    """The new row's id, or None when the unique key already holds one."""
    values = {
        "connector_id": item.connector_id,
        "external_id": item.external_id,
        "type": item.type,
        "occurred_at": item.occurred_at,
        "direction": item.direction,
        "subject": item.subject[:500],
        "summary": item.summary,
        "duration_seconds": item.duration_seconds,
        "status": item.status[:32],
        "url": item.url[:2000],
        "thread_id": item.thread_id[:255],
        "participants": json_safe(list(item.participants)),
        "data": json_safe(item.data),
    }
    statement = _dialect_insert(session, Activity).values(**values)
    if item.connector_id is None:  # the partial unique index on external_id alone
        statement = statement.on_conflict_do_nothing(
            index_elements=["external_id"], index_where=text("connector_id IS NULL")
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=["connector_id", "external_id"])
    return session.scalar(statement.returning(Activity.id))


def _link(
    session: Session,
    model: type[ActivityCustomer] | type[ActivityRep],
    activity_id: int,
    column: str,
    ids: Sequence[int],
    *,
    sources: Mapping[int, int],
) -> None:
    for other_id in dict.fromkeys(ids):
        values = {"activity_id": activity_id, column: other_id}
        if other_id in sources:
            values["source_record_id"] = sources[other_id]
        statement = _dialect_insert(session, model).values(**values).on_conflict_do_nothing()
        session.execute(statement)


def _logged_event(
    session: Session,
    activity_id: int,
    item: ActivityInput,
    customer_ids: Sequence[int],
    rep_ids: Sequence[int],
) -> None:
    payload = {
        "id": activity_id,
        "type": item.type,
        "occurred_at": item.occurred_at.isoformat(),
        "direction": item.direction,
        "subject": item.subject,
        "connector_id": item.connector_id,
        "external_id": item.external_id,
        "customer_ids": sorted(set(customer_ids)),
        "rep_ids": sorted(set(rep_ids)),
    }
    write_event(
        session,
        "activity.logged",
        subject_type="activity",
        subject_id=activity_id,
        sequence=1,
        payload=payload,
    )


def _dialect_insert(session: Session, model: type) -> sqlite.Insert | postgresql.Insert:
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)
