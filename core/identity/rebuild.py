"""Re-resolve every source record after a rule change, in one transaction.

Records are resolved again in the order they arrived, with fresh features and keys;
people's decisions hold (non-matches block links, manual merges are reapplied). A
group keeps the id of the customer its first record had, so links from elsewhere stay
valid; a customer left without records is marked merged into the one that took most
of them. Readers see the old state until the commit.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from core.db import Database
from core.identity.apply import ChunkWrite, write_chunk
from core.identity.candidates import CustomerRef, NewCustomer, load_index
from core.identity.features import extract
from core.identity.ingest import Run
from core.identity.locks import lock_everything
from core.identity.moves import move_activities, move_records
from core.identity.options import IdentityOptions
from core.identity.pending import Pending
from core.identity.rebuild_finish import finish
from core.identity.resolve import resolve
from core.identity.verdicts import close_reviews, records_of
from core.models import Customer, CustomerMerge, IdentityKey, ReviewItem, SourceRecord, utcnow

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RebuildStats:
    records: int
    customers_before: int
    customers_after: int
    created: int  # customers that did not exist before
    retired: int  # customers left without records, now merged into another
    reviews: int  # review items opened
    merges_reapplied: int
    seconds: float


@dataclass
class _State:
    previous: dict[int, int | None]  # record id -> customer id before the rebuild
    active_before: set[int]
    claimed: set[int]
    created: set[int]  # customers this rebuild made


def rebuild(
    database: Database,
    progress: Progress | None = None,
    options: IdentityOptions | None = None,
    chunk_size: int = 500,
) -> RebuildStats:
    """Re-resolve everything; ``progress(done, total)`` is called after each chunk."""
    options = options or IdentityOptions()
    started = time.monotonic()
    with database.session() as session:
        lock_everything(session)
        run = Run.learned(session, options)
        state = _reset(session)
        total = len(state.previous)
        if progress:
            progress(0, total)
        done = 0
        for start in range(0, total, max(chunk_size, 1)):
            ids = sorted(state.previous)[start : start + chunk_size]
            _resolve_chunk(session, ids, done, run, state)
            done += len(ids)
            if progress:
                progress(done, total)
        reapplied = _reapply_merges(session)
        outcome = finish(session, state, run.rules_for(session))
    return RebuildStats(
        records=total,
        customers_before=len(state.active_before),
        customers_after=outcome.active,
        created=outcome.created,
        retired=outcome.retired,
        reviews=outcome.reviews,
        merges_reapplied=reapplied,
        seconds=round(time.monotonic() - started, 3),
    )


def _reset(session: Session) -> _State:
    """Remember the old grouping, then unlink every record and drop every key."""
    previous = dict(session.execute(select(SourceRecord.id, SourceRecord.customer_id)).all())
    active = set(session.scalars(select(Customer.id).where(Customer.merged_into_id.is_(None))))
    session.execute(delete(IdentityKey))
    session.execute(
        update(SourceRecord).values(customer_id=None).execution_options(synchronize_session=False)
    )
    session.execute(
        update(ReviewItem)
        .where(ReviewItem.status == "open")
        .values(status="superseded", decided_at=utcnow(), decided_by="rebuild")
        .execution_options(synchronize_session=False)
    )
    return _State(previous=previous, active_before=active, claimed=set(), created=set())


def _resolve_chunk(session: Session, ids: list[int], done: int, run: Run, state: _State) -> None:
    records = session.scalars(
        select(SourceRecord).where(SourceRecord.id.in_(ids)).order_by(SourceRecord.id)
    )
    items = []
    for position, record in enumerate(records):
        item = Pending(position, record.external_id, record.raw, record.mapped, record.content_hash)
        item.features, item.record = extract(record.mapped, run.options.default_region), record
        items.append(item)
    index = load_index(session, [p.features for p in items], ids, done, run.options)
    scorer = run.scorer(index.exact_u)
    for item in items:
        fresh = partial(_fresh_customer, state, state.previous.get(item.record.id))
        item.decision = resolve(
            item.features,
            record_id=item.record.id,
            current=None,
            index=index,
            scorer=scorer,
            new_customer=fresh,
        )
        index.add(item.features, item.decision.customer, item)
    plan = ChunkWrite({}, run.rules_for(session), utcnow(), relink_only=True)
    write_chunk(session, items, index, plan)
    state.created |= {row.id for ref, row in plan.customers.items() if isinstance(ref, NewCustomer)}
    session.flush()
    session.expunge_all()  # keep memory flat over large stores


def _fresh_customer(state: _State, previous: int | None) -> CustomerRef:
    """A new group keeps its first record's old customer id while that one is free."""
    if previous in state.active_before and previous not in state.claimed:
        state.claimed.add(previous)
        return previous
    return NewCustomer()


def _reapply_merges(session: Session) -> int:
    """People's merges still hold: their records end up in one customer again."""
    count = 0
    for merge in session.scalars(
        select(CustomerMerge).where(CustomerMerge.undone_at.is_(None)).order_by(CustomerMerge.id)
    ):
        record_ids = [*merge.source_record_ids, *merge.details.get("winner_record_ids", [])]
        rows = session.execute(
            select(SourceRecord.customer_id).where(
                SourceRecord.id.in_(record_ids), SourceRecord.customer_id.is_not(None)
            )
        )
        targets = sorted(set(rows.scalars()))
        for loser in targets[1:]:
            moved = records_of(session, loser)
            # what the rebuild queued between the two is answered by the merge
            kept = records_of(session, targets[0])
            close_reviews(session, kept, moved, status="merged", actor="rebuild")
            move_records(session, loser, targets[0], moved)
            move_activities(session, loser, targets[0])
            count += 1
    return count
