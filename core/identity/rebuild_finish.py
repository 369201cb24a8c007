"""The end of a rebuild: activities follow their records, emptied customers retire,
every customer is recomputed and its change announced once."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.orm import Session

from core.identity.moves import move_activities
from core.models import ActivityCustomer, Customer, ReviewItem, SourceRecord
from core.records import (
    SurvivorshipRules,
    announce_update,
    customer_event,
    load_record_views,
    refresh_customers,
    values_of,
)

CHUNK = 500
Link = ActivityCustomer


@dataclass(frozen=True)
class Outcome:
    active: int
    created: int
    retired: int
    reviews: int


class RebuildState(Protocol):
    previous: dict[int, int | None]  # record id -> customer id before the rebuild
    active_before: set[int]
    created: set[int]


def finish(session: Session, state: RebuildState, rules: SurvivorshipRules) -> Outcome:
    session.flush()
    _follow_provenance(session)
    current = dict(session.execute(select(SourceRecord.id, SourceRecord.customer_id)).all())
    active = {c for c in current.values() if c is not None}
    _drop_unused(session, state.created - active)
    retired = _retire(session, state.previous, current, state.active_before - active)
    _announce(session, sorted(active), state.active_before, retired, rules)
    reviews = session.scalar(select(func.count()).where(ReviewItem.status == "open")) or 0
    return Outcome(len(active), len(active - state.active_before), len(retired), reviews)


def _drop_unused(session: Session, customer_ids: set[int]) -> None:
    """Customers made during this rebuild whose records a reapplied merge took away."""
    if customer_ids:
        statement = delete(Customer).where(Customer.id.in_(customer_ids))
        session.execute(statement.execution_options(synchronize_session=False))


def _follow_provenance(session: Session) -> None:
    """An activity linked through a record now belongs to that record's customer."""
    rows = session.execute(
        select(Link.activity_id, Link.customer_id, SourceRecord.customer_id)
        .join(SourceRecord, SourceRecord.id == Link.source_record_id)
        .where(SourceRecord.customer_id.is_not(None), Link.customer_id != SourceRecord.customer_id)
    ).all()
    for activity_id, old, new in rows:
        this = and_(Link.activity_id == activity_id, Link.customer_id == old)
        if session.get(Link, (activity_id, new)) is not None:
            session.execute(delete(Link).where(this).execution_options(synchronize_session=False))
        else:
            statement = update(Link).where(this).values(customer_id=new)
            session.execute(statement.execution_options(synchronize_session=False))


def _retire(
    session: Session,
    previous: Mapping[int, int | None],
    current: Mapping[int, int | None],
    emptied: set[int],
) -> dict[int, int]:
    """Each emptied customer points at the customer holding most of its old records."""
    old_records: dict[int, list[int]] = defaultdict(list)
    for record_id, customer_id in previous.items():
        if customer_id in emptied:
            old_records[customer_id].append(record_id)
    retired: dict[int, int] = {}
    for old in sorted(old_records):
        votes = Counter(c for r in old_records[old] if (c := current.get(r)) is not None)
        if not votes:
            continue
        winner = max(votes, key=lambda c: (votes[c], -c))
        customer = session.get(Customer, old)
        customer.merged_into_id, customer.version = winner, customer.version + 1
        move_activities(session, old, winner)
        retired[old] = winner
    return retired


def _announce(
    session: Session,
    active: list[int],
    active_before: set[int],
    retired: Mapping[int, int],
    rules: SurvivorshipRules,
) -> None:
    absorbed: dict[int, list[int]] = defaultdict(list)
    for loser, winner in sorted(retired.items()):
        absorbed[winner].append(loser)
    ids = active + sorted(retired)
    for start in range(0, len(ids), CHUNK):
        part = ids[start : start + CHUNK]
        customers = list(session.scalars(select(Customer).where(Customer.id.in_(part))))
        views = load_record_views(session, part)
        changed = refresh_customers(session, customers, views, rules)
        for customer in customers:
            if customer.merged_into_id is None:
                _announce_one(session, customer, changed[customer.id], active_before, absorbed)
        session.flush()


def _announce_one(
    session: Session,
    customer: Customer,
    changed: set[str],
    active_before: set[int],
    absorbed: Mapping[int, list[int]],
) -> None:
    golden = values_of(customer.golden)
    if customer.id not in active_before:
        customer_event(session, customer, "customer.created", {"golden": golden})
    elif customer.id in absorbed:
        customer.version += 1
        payload = {
            "merged_ids": absorbed[customer.id],
            "changed": sorted(changed),
            "golden": golden,
        }
        customer_event(session, customer, "customer.merged", payload)
    elif changed:
        announce_update(session, customer, changed)
