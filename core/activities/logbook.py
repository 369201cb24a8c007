"""Writing activities and their links in the caller's transaction, exactly once.

Many activities are written with a handful of statements whatever their number (the
inbox and mailbox pages log dozens at a time); one activity is the same call with a
list of one, so both paths keep the same rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.activities.inputs import ActivityInput
from core.models import Activity, ActivityCustomer, ActivityRep
from core.outbox import EventRow, write_events
from core.records.jsonsafe import json_safe

Key = tuple[int | None, str]  # (connector id, external id): an activity's identity
ROWS_PER_STATEMENT = 500  # keeps every statement under SQLite's bound-parameter limit


@dataclass(frozen=True)
class LoggedActivity:
    activity_id: int
    created: bool


@dataclass(frozen=True)
class ActivityEntry:
    """One activity to log with the customers and reps it belongs to.

    ``source_records`` maps a customer id to the source record whose key linked the
    activity, so a later split takes the activity along.
    """

    item: ActivityInput
    customer_ids: Sequence[int] = ()
    rep_ids: Sequence[int] = ()
    source_records: Mapping[int, int] = field(default_factory=dict)


def log_activity(
    session: Session,
    item: ActivityInput,
    *,
    customer_ids: Sequence[int],
    rep_ids: Sequence[int] = (),
    source_records: Mapping[int, int] | None = None,
) -> LoggedActivity:
    """Insert the activity unless it exists, then add any missing customer and rep links."""
    entry = ActivityEntry(item, customer_ids, rep_ids, source_records or {})
    return log_activities(session, [entry])[0]


def log_activities(session: Session, entries: Sequence[ActivityEntry]) -> list[LoggedActivity]:
    """Log many activities in order; an activity that exists only gains missing links.

    ``activity.logged`` is written only for an activity this call created (once, for the
    first entry naming it): a redelivered webhook or a re-run sync adds nothing.
    """
    if not entries:
        return []
    session.flush()  # core statements below do not flush the ORM's pending rows
    keys = [_key(entry.item) for entry in entries]
    ids = _existing(session, set(keys))
    new = {key: entry.item for key, entry in zip(keys, entries, strict=True) if key not in ids}
    created = insert_new(session, list(new.values())) if new else {}
    ids.update(created)
    if late := [key for key in new if key not in ids]:  # another transaction inserted them
        ids.update(_existing(session, set(late)))
    _link(session, entries, keys, ids)
    logged: list[LoggedActivity] = []
    events: list[EventRow] = []
    for key, entry in zip(keys, entries, strict=True):
        first = key in created and created.pop(key) is not None
        logged.append(LoggedActivity(ids[key], first))
        if first:
            events.append(_logged_event(ids[key], entry))
    write_events(session, events)
    return logged


def _key(item: ActivityInput) -> Key:
    return item.connector_id, item.external_id


def _existing(session: Session, keys: set[Key]) -> dict[Key, int]:
    by_connector: dict[int | None, list[str]] = {}
    for connector_id, external_id in keys:
        by_connector.setdefault(connector_id, []).append(external_id)
    found: dict[Key, int] = {}
    for connector_id, external_ids in by_connector.items():
        owner = (
            Activity.connector_id.is_(None)
            if connector_id is None
            else Activity.connector_id == connector_id
        )
        for part in _parts(external_ids):
            rows = session.execute(
                select(Activity.id, Activity.external_id).where(
                    and_(owner, Activity.external_id.in_(part))
                )
            )
            found.update({(connector_id, external_id): id_ for id_, external_id in rows})
    return found


def insert_new(session: Session, items: list[ActivityInput]) -> dict[Key, int]:
    """Ids of the rows inserted; a key another transaction holds already is left out."""
    inserted: dict[Key, int] = {}
    attached = [item for item in items if item.connector_id is not None]
    unattached = [item for item in items if item.connector_id is None]
    for group, unattached_group in ((attached, False), (unattached, True)):
        if not group:
            continue
        statement = _dialect_insert(session, Activity.__table__)
        if unattached_group:  # the partial unique index on external_id alone
            statement = statement.on_conflict_do_nothing(
                index_elements=["external_id"], index_where=text("connector_id IS NULL")
            )
        else:
            statement = statement.on_conflict_do_nothing(
                index_elements=["connector_id", "external_id"]
            )
        columns = Activity.__table__.c
        returning = statement.returning(columns.id, columns.connector_id, columns.external_id)
        rows = session.execute(returning, [_values(item) for item in group])
        for id_, connector_id, external_id in rows:
            inserted[(connector_id, external_id)] = id_
    return inserted


def _values(item: ActivityInput) -> dict[str, Any]:
    return {
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


def _link(
    session: Session, entries: Sequence[ActivityEntry], keys: list[Key], ids: dict[Key, int]
) -> None:
    """Missing customer and rep links, each pair once."""
    customers: dict[tuple[int, int], int | None] = {}
    reps: dict[tuple[int, int], None] = {}
    for key, entry in zip(keys, entries, strict=True):
        activity_id = ids[key]
        for customer_id in entry.customer_ids:
            customers.setdefault((activity_id, customer_id), entry.source_records.get(customer_id))
        for user_id in entry.rep_ids:
            reps[(activity_id, user_id)] = None
    customer_rows = [
        {"activity_id": a, "customer_id": c, "source_record_id": s}
        for (a, c), s in customers.items()
    ]
    rep_rows = [{"activity_id": a, "user_id": u} for a, u in reps]
    _insert_links(session, ActivityCustomer, customer_rows)
    _insert_links(session, ActivityRep, rep_rows)


def _insert_links(session: Session, model: type, rows: list[dict[str, Any]]) -> None:
    if rows:
        statement = _dialect_insert(session, model.__table__).on_conflict_do_nothing()
        session.execute(statement, rows)


def _logged_event(activity_id: int, entry: ActivityEntry) -> EventRow:
    item = entry.item
    payload = {
        "id": activity_id,
        "type": item.type,
        "occurred_at": item.occurred_at.isoformat(),
        "direction": item.direction,
        "subject": item.subject,
        "connector_id": item.connector_id,
        "external_id": item.external_id,
        "customer_ids": sorted(set(entry.customer_ids)),
        "rep_ids": sorted(set(entry.rep_ids)),
    }
    return EventRow("activity.logged", "activity", activity_id, 1, payload)


def _parts(values: Sequence[Any] | Iterable[Any]) -> list[list[Any]]:
    values = list(values)
    return [values[i : i + ROWS_PER_STATEMENT] for i in range(0, len(values), ROWS_PER_STATEMENT)]


def _dialect_insert(session: Session, table: Any) -> sqlite.Insert | postgresql.Insert:
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
