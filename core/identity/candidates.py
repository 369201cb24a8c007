"""Candidates for a chunk of records, fetched with a handful of bulk queries.

For every key of the chunk the index knows how many stored records hold it (value
frequencies, for u) and, per customer, one record holding it (to compare with).
Records decided earlier in the same chunk are added as they go, so two records of one
person in one import link to each other.

The features of a stored holder are fetched only when it is compared: those holding an
email or phone of the chunk up front (every one of them is compared), the others when a
record is scored against their customer (at most ``max_candidates`` customers of the
hundreds a common name's blocks nominate).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, or_, select
from sqlalchemy.orm import Session

from core.identity.common_counts import CommonCounts, common_counts
from core.identity.common_keys import read_common_shares
from core.identity.features import Features, is_deterministic, stored_features
from core.identity.options import IdentityOptions
from core.identity.store_queries import feature_rows, key_facts
from core.models import NonMatch, SourceRecord


@dataclass(eq=False)
class NewCustomer:
    """A customer the chunk will create."""

    row: Any = None  # the Customer once written


CustomerRef = int | NewCustomer


def customer_id_of(ref: CustomerRef, customers: Mapping[CustomerRef, Any]) -> int | None:
    """The stored id a reference names: a new customer's once written, an existing
    customer's active row (``customers`` maps references to locked rows)."""
    if isinstance(ref, NewCustomer):
        return ref.row.id if ref.row is not None else None
    row = customers.get(ref)
    return row.id if row is not None else ref


@dataclass(eq=False)
class Holder:
    """A record that holds a key: a stored one (``record_id``) or one of this chunk.

    ``features`` is None for a stored record not compared yet (``CandidateIndex.load``).
    """

    features: Features | None
    customer: CustomerRef
    record_id: int | None = None
    pending: Any = None  # the chunk item; its record id is known once written

    @property
    def loaded(self) -> Features:
        """The features to compare with; a stored holder must have been loaded first."""
        if self.features is None:
            raise RuntimeError(f"features of record {self.record_id} were not loaded")
        return self.features

    @property
    def current_record_id(self) -> int | None:
        if self.record_id is not None:
            return self.record_id
        record = getattr(self.pending, "record", None)
        return getattr(record, "id", None)


@dataclass
class CandidateIndex:
    options: IdentityOptions
    total: int
    holders: dict[str, list[Holder]] = field(default_factory=lambda: defaultdict(list))
    counts: Counter[str] = field(default_factory=Counter)
    demoted: set[str] = field(default_factory=set)
    newly_demoted: dict[str, int] = field(default_factory=dict)
    non_matches: dict[int, set[int]] = field(default_factory=dict)
    record_customers: dict[int, CustomerRef] = field(default_factory=dict)
    fetch: Callable[[list[int]], dict[int, Features]] | None = None  # stored features by id

    def load(self, holders: Iterable[Holder]) -> None:
        """Fetch, in one query, the features of the stored holders about to be compared."""
        missing = [h for h in holders if h.features is None]
        if not missing:
            return
        if self.fetch is None:
            raise RuntimeError("holders without features and nothing to fetch them with")
        found = self.fetch(sorted({h.record_id for h in missing if h.record_id is not None}))
        for holder in missing:
            holder.features = found.get(holder.record_id or 0, Features())

    def usable(self, key: str) -> bool:
        """A key nominates candidates unless demoted or held by too many records."""
        return key not in self.demoted and self.counts[key] <= self.options.max_block_size

    def exact_u(self, _field: str, key: str, prior_u: float) -> float:
        """Share of records holding this value, smoothed toward ``prior_u``."""
        prior = self.options.frequency_prior
        return (self.counts[key] + prior * prior_u) / (self.total + prior)

    def blocked(self, record_id: int | None) -> set[CustomerRef]:
        """Customers holding a record someone said is not this one."""
        others = self.non_matches.get(record_id, set()) if record_id is not None else set()
        return {self.record_customers[o] for o in others if o in self.record_customers}

    def demote(self, key: str, people: int) -> None:
        self.demoted.add(key)
        self.newly_demoted[key] = people

    def add(self, features: Features, customer: CustomerRef, pending: Any) -> None:
        """Make a just-decided record visible to the rest of the chunk."""
        holder = Holder(features, customer, pending=pending)
        for key in {*features.deterministic_keys(), *features.blocks}:
            self.holders[key] = [h for h in self.holders[key] if h.customer != customer]
            self.holders[key].append(holder)
        self.counts.update(features.all_keys())
        self.total += 1
        record_id = holder.current_record_id
        if record_id is not None:
            self.record_customers[record_id] = customer


def load_index(
    session: Session,
    features: Iterable[Features],
    record_ids: Iterable[int],
    total: int,
    options: IdentityOptions,
) -> CandidateIndex:
    """Counts, demotions, holders and non-matches for a chunk: one to five queries.

    The queries run on the session's connection, not through the ORM: they return
    plain columns, tens of thousands of rows per chunk at 100,000 records, and the ORM's
    row handling cost a third of this function's time. Pending ORM changes are flushed
    first, as ``Session.execute`` would have.
    """
    session.flush()
    connection = session.connection()
    index = CandidateIndex(options=options, total=total)
    index.fetch = lambda record_ids: _features(connection, record_ids)
    keys = sorted({key for f in features for key in f.all_keys()})
    cache = common_counts(session)
    known = _known_counts(cache, connection, keys, total)
    facts = key_facts(connection, keys, known, options.max_block_size)
    cache.remember(facts.counted, total)
    index.counts.update({**known, **facts.counted})
    index.demoted = facts.demoted
    _attach(index, facts.holders)
    compared = [h for k in keys if is_deterministic(k) for h in index.holders.get(k, ())]
    for holder in compared:
        if holder.record_id in facts.features:
            holder.features = stored_features(facts.features[holder.record_id])
    index.load(compared)  # those the facts came without
    _load_non_matches(connection, index, list(record_ids))
    return index


def _known_counts(
    cache: CommonCounts, connection: Connection, keys: list[str], total: int
) -> dict[str, int]:
    """Common keys' holders, estimated from their remembered share: never counted."""
    if cache.table_due():
        cache.use_table(read_common_shares(connection))
    return cache.known(keys, total)


def _attach(index: CandidateIndex, holders: list[tuple[str, int, int]]) -> None:
    """One Holder per stored record, listed under each key it holds; features not yet."""
    by_record: dict[int, Holder] = {}
    for key, customer_id, record_id in holders:
        holder = by_record.get(record_id)
        if holder is None:
            holder = Holder(None, customer_id, record_id)
            by_record[record_id] = holder
            index.record_customers[record_id] = customer_id
        index.holders[key].append(holder)


def _features(connection: Connection, record_ids: list[int]) -> dict[int, Features]:
    return {rid: stored_features(text) for rid, text in feature_rows(connection, record_ids)}


def _load_non_matches(connection: Connection, index: CandidateIndex, record_ids: list[int]) -> None:
    if not record_ids:
        return
    pairs = connection.execute(
        select(NonMatch.record_a_id, NonMatch.record_b_id).where(
            or_(NonMatch.record_a_id.in_(record_ids), NonMatch.record_b_id.in_(record_ids))
        )
    ).all()
    for a, b in pairs:
        index.non_matches.setdefault(a, set()).add(b)
        index.non_matches.setdefault(b, set()).add(a)
    others = sorted({o for a, b in pairs for o in (a, b)} - set(index.record_customers))
    if others:
        rows = connection.execute(
            select(SourceRecord.id, SourceRecord.customer_id).where(SourceRecord.id.in_(others))
        )
        index.record_customers.update({rid: cid for rid, cid in rows if cid is not None})
