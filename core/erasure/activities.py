"""The person's activities: those only they took part in go; shared ones lose the person.

An email or a call with another customer is that customer's history too, so it stays;
the erased person's participant entries are removed and their traces blanked in the
subject, summary and data. Activities that quote the person without being linked to
them (logged before they were a customer) are blanked the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from core.erasure.person import Person
from core.erasure.traces import Traces
from core.models import Activity, ActivityCustomer, ActivityRep
from core.records import normal

_NO_SYNC = {"synchronize_session": False}
Link = ActivityCustomer


@dataclass(frozen=True)
class ActivityOutcome:
    deleted: list[int]  # only the person took part
    shared: list[int]  # others took part too: kept, without the person
    scrubbed: int  # activities changed, shared or merely quoting the person


def erase_activities(session: Session, person: Person, traces: Traces) -> ActivityOutcome:
    ids = person.customer_ids
    linked = set(session.scalars(select(Link.activity_id).where(Link.customer_id.in_(ids))))
    shared = set(
        session.scalars(
            select(Link.activity_id).where(
                Link.activity_id.in_(linked), Link.customer_id.not_in(ids)
            )
        )
    )
    only_theirs = sorted(linked - shared)
    session.execute(delete(Link).where(Link.customer_id.in_(ids)).execution_options(**_NO_SYNC))
    if only_theirs:
        condition = ActivityRep.activity_id.in_(only_theirs)
        session.execute(delete(ActivityRep).where(condition).execution_options(**_NO_SYNC))
        session.execute(
            delete(Activity)
            .where(Activity.id.in_(only_theirs))
            .execution_options(synchronize_session="fetch")
        )
    scrubbed = {a.id for a in _rows(session, Activity.id.in_(shared)) if _scrub(a, person, traces)}
    dialect = session.get_bind().dialect.name
    quoting = or_(*(traces.mentions(c, dialect) for c in _COLUMNS))
    scrubbed |= {a.id for a in _rows(session, quoting) if _scrub(a, person, traces, scoped=False)}
    return ActivityOutcome(only_theirs, sorted(shared), len(scrubbed))


_COLUMNS = (Activity.participants, Activity.subject, Activity.summary, Activity.data)


def _rows(session: Session, condition: Any) -> list[Activity]:
    return list(session.scalars(select(Activity).where(condition).order_by(Activity.id)))


def _scrub(activity: Activity, person: Person, traces: Traces, *, scoped: bool = True) -> bool:
    """Remove the person from one activity; True when anything changed."""
    before = (activity.participants, activity.subject, activity.summary, activity.data)
    kept = [p for p in activity.participants or [] if not _is_person(p, person, traces)]
    after = (
        traces.scrub(kept, scoped=scoped),
        traces.scrub(activity.subject, scoped=scoped),
        traces.scrub(activity.summary, scoped=scoped),
        traces.scrub(activity.data, scoped=scoped),
    )
    if after == before:
        return False
    activity.participants, activity.subject, activity.summary, activity.data = after
    return True


def _is_person(entry: Any, person: Person, traces: Traces) -> bool:
    """A participant entry whose email or phone is the person's, or that quotes them."""
    if not isinstance(entry, dict):
        return traces.found_in(entry)
    email, phone = entry.get("email"), entry.get("phone")
    if isinstance(email, str) and normal.email(email).match_key in person.emails:
        return True
    if isinstance(phone, str) and normal.phone(phone, None).e164 in person.phones:
        return True
    return traces.found_in(entry)
