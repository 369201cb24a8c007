"""Writing a chunk's decisions: customers, source records, golden values, keys, events.

Golden values are computed in memory before anything is written, so each customer is
inserted or updated once; new source records and keys go in with one executemany
each. A page of records costs a fixed handful of statements, not a few per record.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from core.identity.apply_keys import replace_keys, write_demotions
from core.identity.bridges import merge_bridges, plan_bridges
from core.identity.candidates import CandidateIndex, CustomerRef, NewCustomer
from core.identity.ids import allocate_many
from core.identity.locks import locked_customers
from core.identity.pending import NewRecord, Pending
from core.identity.review import open_reviews
from core.models import Customer, SourceRecord
from core.outbox import EventRow, write_events
from core.records import (
    RecordView,
    SurvivorshipRules,
    customer_event_row,
    load_record_views,
    refresh_customers,
    update_event_row,
    values_of,
)


@dataclass
class ChunkWrite:
    """How to write one chunk: ingestion announces changes, a rebuild only relinks."""

    kinds: Mapping[int, str]  # connector id -> connector kind, for source priority
    rules: SurvivorshipRules
    now: datetime
    connector_id: int = 0  # of the new records (a rebuild has none)
    relink_only: bool = False
    # merge two customers of one person that a record's keys connect (ingestion only:
    # a rebuild reapplies the merges already made, bridges included)
    merge_bridges: bool = False
    customers: dict[CustomerRef, Customer] = field(default_factory=dict)


def write_chunk(
    session: Session, items: Sequence[Pending], index: CandidateIndex, plan: ChunkWrite
) -> None:
    """Everything the chunk decided, in dependency order, flushing only on purpose."""
    with session.no_autoflush:
        new_customers = _new_customers(items)
        fresh = [p for p in items if p.record is None]
        ids = allocate_many(session, {Customer: len(new_customers), SourceRecord: len(fresh)})
        new_ids = dict(zip(new_customers, ids[Customer], strict=True))
        plan.customers = materialize(session, items, new_ids)
        stage_records(fresh, ids[SourceRecord], items, plan)
        bridges = plan_bridges(session, items, plan.customers) if plan.merge_bridges else []
        changed = None if plan.relink_only else refresh_targets(session, items, plan)
        # before the flush, so a changed customer's new golden values and version are
        # one UPDATE (two when the version was bumped after it)
        events = [] if changed is None else customer_events(plan.customers, changed)
        session.flush()  # customers first: the new records point at them
        insert_new_records(session, items)
        replace_keys(session, items)
        write_demotions(session, index)
        open_reviews(session, items, plan.customers, check_new=plan.relink_only)
        session.flush()  # events already in the session keep their place in the outbox order
        write_events(session, events)
        if bridges:
            follow_merges(items, merge_bridges(session, bridges))


def follow_merges(items: Sequence[Pending], winners: Mapping[int, int]) -> None:
    """New records of the chunk whose customer a bridge merged now name the winner
    (stored rows were moved through the ORM and already do)."""
    for item in items:
        if isinstance(item.record, NewRecord):
            while item.record.customer_id in winners:
                item.record.customer_id = winners[item.record.customer_id]


def _new_customers(items: Sequence[Pending]) -> list[NewCustomer]:
    """The chunk's new customers, each once, in the order the records named them."""
    refs = {id(p.decision.customer): p.decision.customer for p in items}
    return [ref for ref in refs.values() if isinstance(ref, NewCustomer)]


def materialize(
    session: Session, items: Sequence[Pending], new_ids: Mapping[NewCustomer, int]
) -> dict[CustomerRef, Customer]:
    """Rows for every target: new customers with the ids given, existing ones locked."""
    for ref, customer_id in new_ids.items():
        ref.row = Customer(id=customer_id, version=1, golden={}, pinned={}, full_name="")
    session.add_all([ref.row for ref in new_ids])
    found: dict[CustomerRef, Customer] = {ref: ref.row for ref in new_ids}
    existing = {r for p in items if isinstance(r := p.decision.customer, int)}
    found.update(locked_customers(session, sorted(existing)))
    return found


def stage_records(
    fresh: Sequence[Pending],
    record_ids: Sequence[int],
    items: Sequence[Pending],
    plan: ChunkWrite,
) -> None:
    """New records (``fresh``, given ``record_ids``) as plain rows; changed ones updated
    on their ORM rows."""
    for item, record_id in zip(fresh, record_ids, strict=True):
        item.record = NewRecord(record_id, plan.connector_id, item.external_id)
    for item in items:
        _stage(item, plan)
    for item in items:
        holder = item.decision.compared_with
        if holder is not None and not item.decision.keep_link:
            explanation = {**item.decision.explanation, "compared_with": holder.current_record_id}
            item.decision.explanation = item.record.link_explanation = explanation


def _stage(item: Pending, plan: ChunkWrite) -> None:
    record, decision = item.record, item.decision
    if not plan.relink_only:
        record.raw, record.mapped = item.raw, item.mapped
        record.content_hash, record.content_updated_at = item.content_hash, plan.now
    record.match_features = item.features.to_json()
    record.customer_id = plan.customers[decision.customer].id
    if not decision.keep_link or not record.link_rule:
        record.link_rule, record.link_explanation = decision.rule, decision.explanation
        record.linked_at = plan.now


def insert_new_records(session: Session, items: Sequence[Pending]) -> None:
    rows = [p.record.row() for p in items if isinstance(p.record, NewRecord)]
    if rows:
        session.execute(insert(SourceRecord.__table__), rows)


def refresh_targets(
    session: Session, items: Sequence[Pending], plan: ChunkWrite
) -> dict[int, set[str]]:
    """Golden values of every touched customer from stored records plus this chunk's."""
    customers = {c.id: c for c in plan.customers.values()}
    new_ids = {r.row.id for r in plan.customers if isinstance(r, NewCustomer)}
    views = load_record_views(session, [i for i in customers if i not in new_ids])
    staged = {p.record.id: _view(p.record, plan) for p in items}
    views = {c: [v for v in found if v.id not in staged] for c, found in views.items()}
    for item in items:
        views.setdefault(item.record.customer_id, []).append(staged[item.record.id])
    return refresh_customers(session, list(customers.values()), views, plan.rules)


def _view(record: Any, plan: ChunkWrite) -> RecordView:
    kind = plan.kinds.get(record.connector_id, "")
    return RecordView(record.id, kind, record.mapped, record.content_updated_at)


def customer_events(
    customers: Mapping[CustomerRef, Customer], changed: Mapping[int, set[str]]
) -> list[EventRow]:
    """``customer.created`` for new customers, ``customer.updated`` (the version bumped)
    for changed ones: written with one executemany, where through the ORM each event
    was its own INSERT."""
    events: list[EventRow] = []
    seen: set[int] = set()
    for ref, customer in customers.items():
        if customer.id in seen:
            continue
        seen.add(customer.id)
        if isinstance(ref, NewCustomer):
            golden = values_of(customer.golden)
            events.append(customer_event_row(customer, "customer.created", {"golden": golden}))
        elif changed.get(customer.id):
            events.append(update_event_row(customer, changed[customer.id]))
    return events
