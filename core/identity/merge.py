"""Manual merge, its undo, and splitting one source record out of a customer.

Source records carry everything a customer is made of, so these operations only move
records (with their keys and the activities they linked) and recompute both golden
records. A merge remembers what it moved so it can be undone exactly.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.identity.errors import CustomerNotFound, IdentityError, NotMerged, SourceRecordNotFound
from core.identity.locks import lock_keys, locked_customers
from core.identity.moves import (
    move_activities,
    move_records,
    restore_activities,
    split_activities,
)
from core.identity.verdicts import (
    close_reviews,
    forget_non_matches,
    record_non_matches,
    records_of,
)
from core.models import Customer, CustomerMerge, SourceRecord, utcnow
from core.records import (
    announce_update,
    customer_event,
    load_record_views,
    load_rules,
    refresh_customers,
    values_of,
)


def merge_customers(
    session: Session, winner_id: int, loser_id: int, *, actor: str, reason: str = "manual"
) -> Customer:
    """Move every record of the loser to the winner; the loser points at the winner."""
    if winner_id == loser_id:
        raise IdentityError("a customer cannot be merged into itself")
    winner, loser = _lock_pair(session, winner_id, loser_id)
    winner_records, loser_records = records_of(session, winner.id), records_of(session, loser.id)
    forget_non_matches(session, winner_records, loser_records)  # the latest decision wins
    close_reviews(session, winner_records, loser_records, status="merged", actor=actor)
    move_records(session, loser.id, winner.id, loser_records)
    moved, shared = move_activities(session, loser.id, winner.id)
    copied = sorted(set(loser.pinned) - set(winner.pinned))
    winner.pinned = {**winner.pinned, **{name: loser.pinned[name] for name in copied}}
    details = {
        "winner_record_ids": winner_records,
        "activity_ids": moved,
        "shared_activities": shared,
        "pinned_fields": copied,
    }
    session.add(
        CustomerMerge(
            winner_id=winner.id,
            loser_id=loser.id,
            actor=actor,
            reason=reason,
            source_record_ids=loser_records,
            details=details,
        )
    )
    loser.merged_into_id = winner.id
    loser.version += 1
    _announce_merge(session, winner, loser, _refresh(session, winner, loser)[winner.id])
    return winner


def _announce_merge(session: Session, winner: Customer, loser: Customer, changed: set[str]) -> None:
    winner.version += 1
    payload = {"merged_ids": [loser.id], "changed": sorted(changed)}
    customer_event(
        session, winner, "customer.merged", {**payload, "golden": values_of(winner.golden)}
    )


def unmerge_customer(session: Session, loser_id: int, *, actor: str) -> Customer:
    """Undo the latest merge of this customer: its records come back with their activities."""
    loser = session.get(Customer, loser_id)
    if loser is None:
        raise CustomerNotFound(loser_id)
    merge = _latest_merge(session, loser_id)
    if loser.merged_into_id is None or merge is None:
        raise NotMerged(f"customer {loser_id} was never merged into another customer")
    lock_keys(session, [])  # the same lock order as everywhere: advisory, then rows
    holder = locked_customers(session, [loser.merged_into_id])[loser.merged_into_id]
    back = [r for r in merge.source_record_ids if r in set(records_of(session, holder.id))]
    move_records(session, holder.id, loser.id, back)
    restore_activities(session, holder.id, loser.id, merge.details)
    for name in merge.details.get("pinned_fields", []):
        if holder.pinned.get(name) == loser.pinned.get(name):
            holder.pinned = {k: v for k, v in holder.pinned.items() if k != name}
    record_non_matches(session, back, records_of(session, holder.id), actor=actor, reason="unmerge")
    merge.undone_at, merge.undone_by = utcnow(), actor
    loser.merged_into_id = None
    changed = _refresh(session, holder, loser)
    _announce_split(session, loser, holder, back)
    if changed[holder.id]:
        announce_update(session, holder, changed[holder.id])
    return loser


def split_source_record(session: Session, source_record_id: int, *, actor: str) -> Customer:
    """Take one source record out of its customer into a new customer of its own."""
    record = session.get(SourceRecord, source_record_id)
    if record is None:
        raise SourceRecordNotFound(source_record_id)
    if record.customer_id is None:
        raise NotMerged(f"source record {source_record_id} is not linked to any customer")
    lock_keys(session, [])
    old = locked_customers(session, [record.customer_id])[record.customer_id]
    others = [r for r in records_of(session, old.id) if r != record.id]
    if not others:
        raise NotMerged(
            f"source record {source_record_id} is the only record of customer {old.id}; "
            "it was never merged with another record"
        )
    new = Customer(version=1, golden={}, pinned={}, full_name="")
    session.add(new)
    session.flush()
    move_records(session, old.id, new.id, [record.id])
    split_activities(session, old.id, new.id, record.id)
    record.link_rule, record.linked_at = "split", utcnow()
    record.link_explanation = {"rule": "split", "from_customer_id": old.id, "actor": actor}
    record_non_matches(session, [record.id], others, actor=actor, reason="split")
    _forget_in_merges(session, record.id)
    changed = _refresh(session, old, new)
    _announce_split(session, new, old, [record.id], created=True)
    if changed[old.id]:
        announce_update(session, old, changed[old.id])
    return new


def _lock_pair(session: Session, winner_id: int, loser_id: int) -> tuple[Customer, Customer]:
    lock_keys(session, [])
    found = locked_customers(session, [winner_id, loser_id])
    for customer_id in (winner_id, loser_id):
        if customer_id not in found:
            raise CustomerNotFound(customer_id)
        if found[customer_id].id != customer_id:
            raise IdentityError(
                f"customer {customer_id} was already merged into customer {found[customer_id].id}"
            )
    return found[winner_id], found[loser_id]


def _latest_merge(session: Session, loser_id: int) -> CustomerMerge | None:
    query = select(CustomerMerge).where(
        CustomerMerge.loser_id == loser_id, CustomerMerge.undone_at.is_(None)
    )
    return session.scalars(query.order_by(CustomerMerge.id.desc()).limit(1)).first()


def _forget_in_merges(session: Session, record_id: int) -> None:
    """A split record no longer belongs to earlier merges (a rebuild must not redo them)."""
    for merge in session.scalars(select(CustomerMerge).where(CustomerMerge.undone_at.is_(None))):
        if record_id in merge.source_record_ids:
            merge.source_record_ids = [r for r in merge.source_record_ids if r != record_id]
        winners = merge.details.get("winner_record_ids", [])
        if record_id in winners:
            kept = [r for r in winners if r != record_id]
            merge.details = {**merge.details, "winner_record_ids": kept}


def _refresh(session: Session, *customers: Customer) -> dict[int, set[str]]:
    session.flush()
    views = load_record_views(session, [c.id for c in customers])
    return refresh_customers(session, list(customers), views, load_rules(session))


def _announce_split(
    session: Session,
    customer: Customer,
    source: Customer,
    records: list[int],
    created: bool = False,
) -> None:
    if not created:
        customer.version += 1
    payload = {"from_id": source.id, "source_record_ids": records}
    customer_event(
        session, customer, "customer.split", {**payload, "golden": values_of(customer.golden)}
    )
