"""Ingesting customer records: one at a time in the caller's transaction, or in batches.

Both paths run the same chunk pipeline: skip unchanged records by content hash, lock
the chunk's keys, fetch candidates in bulk, decide each record in order (later records
see earlier ones), then write everything with a few bulk statements.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db import Database, in_retried_transaction
from core.identity.apply import ChunkWrite, write_chunk
from core.identity.candidates import CandidateIndex, NewCustomer, load_index
from core.identity.chunk_settings import read_chunk_settings
from core.identity.estimates import cached_m, estimate_m
from core.identity.locks import lock_keys
from core.identity.options import IdentityOptions
from core.identity.pending import Pending, prepare, with_features
from core.identity.resolve import prefetch_candidates, resolve
from core.identity.suppressed import SUPPRESSED_RULE, without_suppressed
from core.identity.weights import Scorer, Table, m_table, u_table
from core.models import SourceRecord, utcnow
from core.records import SurvivorshipRules, load_rules

CHUNK_SIZE = 500  # records resolved and committed together in a batch
Action = Literal["created", "linked", "updated", "unchanged", "review", "suppressed"]
Item = tuple[str, Any, Any]


@dataclass(frozen=True)
class IngestResult:
    source_record_id: int | None  # None when suppressed: no record was stored
    customer_id: int | None
    action: Action
    explanation: dict[str, Any]
    # stored by this call: decided under the record's own lock, so of two concurrent
    # first submissions of one external id exactly one sees True
    new_record: bool = False


@dataclass
class Run:
    """What one ingestion call computes once: m/u tables and survivorship rules."""

    options: IdentityOptions
    # None until the first chunk knows the store's size (``with_m``): a single-record
    # call takes it from the cache of recent estimates, which is checked against it
    m: Table | None = None
    u: Table = field(init=False)
    rules: SurvivorshipRules | None = None

    def __post_init__(self) -> None:
        self.u = u_table(self.options.u)

    def with_m(self, session: Session, total: int) -> None:
        """m from the recent estimates of this database, unless already known."""
        if self.m is None:
            self.m = m_table(cached_m(session, self.options, total), self.options.m)

    @classmethod
    def learned(cls, session: Session, options: IdentityOptions) -> Run:
        """m estimated from the stored links now (once per batch or rebuild)."""
        learned = estimate_m(session, options.m_prior) if options.estimate_m else {}
        return cls(options, m_table(learned, options.m))

    def scorer(self, exact_u: Callable[[str, str, float], float]) -> Scorer:
        if self.m is None:
            raise RuntimeError("m is not known yet: call with_m first")
        fixed = {name for name, levels in self.options.u.items() if "exact" in levels}
        return Scorer(self.m, self.u, exact_u, fixed)

    def rules_for(self, session: Session) -> SurvivorshipRules:
        if self.rules is None:
            self.rules = load_rules(session)
        return self.rules


def ingest_customer(
    session: Session,
    *,
    connector_id: int,
    external_id: str,
    raw: dict[str, Any],
    mapped: dict[str, Any],
    options: IdentityOptions | None = None,
) -> IngestResult:
    """Resolve one record in the caller's transaction (idempotent per content hash)."""
    options = options or IdentityOptions()
    return ingest_prepared(session, connector_id, [prepare(0, external_id, raw, mapped)], options)[
        0
    ]


def prepare_items(items: Iterable[Item], options: IdentityOptions) -> list[Pending]:
    """Records ready to resolve, features included.

    Called before the write transaction opens, the costly part holds no lock.
    """
    return [
        with_features(prepare(i, ext, raw, mapped), options.default_region)
        for i, (ext, raw, mapped) in enumerate(items)
    ]


def ingest_prepared(
    session: Session, connector_id: int, pendings: list[Pending], options: IdentityOptions
) -> list[IngestResult]:
    """Resolve many records of one connector in the caller's transaction, in order."""
    return ingest_items(session, connector_id, pendings, Run(options))


def ingest_batch(
    database: Database,
    connector_id: int,
    items: Iterable[Item],
    options: IdentityOptions | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> list[IngestResult]:
    """Resolve many records, committing per chunk; a chunk that deadlocks is retried."""
    options = options or IdentityOptions()
    run = _learned_run(database, options)
    results: list[IngestResult] = []
    for chunk in _chunks(items, chunk_size):
        pendings = _featured(database, connector_id, chunk, options)
        results.extend(_commit_chunk(database, connector_id, pendings, run))
    return results


def ingest_featured(
    database: Database,
    connector_id: int,
    chunks: Iterable[list[Pending]],
    options: IdentityOptions | None = None,
) -> list[IngestResult]:
    """Resolve chunks made by ``prepare_items`` (features included), one commit each.

    For callers that prepare records elsewhere, e.g. in another process while the
    previous chunks are written. A stored record whose content is unchanged is still
    skipped; its features were computed for nothing.
    """
    run = _learned_run(database, options or IdentityOptions())
    results: list[IngestResult] = []
    for pendings in chunks:
        results.extend(_commit_chunk(database, connector_id, pendings, run))
    return results


def _learned_run(database: Database, options: IdentityOptions) -> Run:
    with database.session() as session:
        return Run.learned(session, options)


def _commit_chunk(
    database: Database, connector_id: int, pendings: list[Pending], run: Run
) -> list[IngestResult]:
    work = partial(ingest_items, connector_id=connector_id, pendings=pendings, run=run)
    return in_retried_transaction(database, work)


def ingest_items(
    session: Session, connector_id: int, pendings: list[Pending], run: Run
) -> list[IngestResult]:
    """The chunk pipeline; the same external id twice is handled in order."""
    results: list[IngestResult | None] = [None] * len(pendings)
    for group in _without_repeats(pendings):
        for pending, result in _ingest_group(session, connector_id, group, run):
            results[pending.position] = result
    return [r for r in results if r is not None]


def _featured(
    database: Database, connector_id: int, chunk: list[Item], options: IdentityOptions
) -> list[Pending]:
    """Prepared records, with features for those not stored unchanged.

    The features are the costly part and are computed outside the write transaction,
    so several processes can prepare while one writes (SQLite writes one at a time).
    """
    pendings = [prepare(i, ext, raw, mapped) for i, (ext, raw, mapped) in enumerate(chunk)]
    with database.session() as session:
        known = _known_hashes(session, connector_id, [p.external_id for p in pendings])
    for pending in pendings:
        stored = known.get(pending.external_id)
        if stored is None or stored[1] != pending.content_hash:
            with_features(pending, options.default_region)
    return pendings


def _ingest_group(
    session: Session, connector_id: int, group: list[Pending], run: Run
) -> Iterator[tuple[Pending, IngestResult]]:
    known = _known_hashes(session, connector_id, [p.external_id for p in group])
    todo = []
    for pending in group:
        stored = known.get(pending.external_id)
        if stored is not None and stored[1] == pending.content_hash:
            yield pending, IngestResult(stored[0], stored[2], "unchanged", stored[3])
        elif pending.features is not None:
            todo.append(pending)
        else:
            todo.append(with_features(pending, run.options.default_region))
    if todo:
        yield from _resolve_and_write(session, connector_id, todo, run)


def _resolve_and_write(
    session: Session, connector_id: int, todo: list[Pending], run: Run
) -> Iterator[tuple[Pending, IngestResult]]:
    lock_keys(session, [key for p in todo for key in p.lock_keys(connector_id)])
    settings = read_chunk_settings(session, connector_id)  # after the locks: see erasures
    run.with_m(session, settings.record_total)
    if run.rules is None:
        run.rules = settings.rules
    todo, suppressed = without_suppressed(  # erased people
        session, connector_id, todo, settings.suppression_secret
    )
    for pending in suppressed:
        yield pending, IngestResult(None, None, "suppressed", {"rule": SUPPRESSED_RULE})
    if not todo:
        return
    stored = _stored_records(session, connector_id, [p.external_id for p in todo])
    for pending in todo:
        pending.record = stored.get(pending.external_id)
    updated = [p.record.id for p in todo if p.record is not None]
    index = load_index(
        session, [p.features for p in todo], updated, settings.record_total, run.options
    )
    scorer = run.scorer(index.exact_u)
    prefetch_candidates(((p.features, p.record is not None) for p in todo), index)
    for pending in todo:
        record = pending.record
        pending.decision = resolve(
            pending.features,
            record_id=record.id if record else None,
            current=record.customer_id if record else None,
            index=index,
            scorer=scorer,
            new_customer=NewCustomer,
        )
        index.add(pending.features, pending.decision.customer, pending)
    yield from _write(session, (connector_id, settings.connector_kind), todo, index, run)


def _write(
    session: Session,
    connector: tuple[int, str],  # id and kind
    todo: list[Pending],
    index: CandidateIndex,
    run: Run,
) -> Iterator[tuple[Pending, IngestResult]]:
    connector_id, kind = connector
    plan = ChunkWrite(
        {connector_id: kind},
        run.rules_for(session),
        utcnow(),
        connector_id=connector_id,
        merge_bridges=run.options.merge_bridges,
    )
    stored_before = {p.position for p in todo if p.record is not None}
    write_chunk(session, todo, index, plan)
    for p in todo:
        explanation = p.decision.explanation if p.decision.keep_link else p.record.link_explanation
        new, action = p.position not in stored_before, p.decision.action
        yield p, IngestResult(p.record.id, p.record.customer_id, action, explanation, new)


def _known_hashes(
    session: Session, connector_id: int, external_ids: list[str]
) -> dict[str, tuple[int, str, int | None, dict[str, Any]]]:
    """(id, hash, customer, explanation) of stored records: enough to skip unchanged ones."""
    rows = session.execute(
        select(
            SourceRecord.external_id,
            SourceRecord.id,
            SourceRecord.content_hash,
            SourceRecord.customer_id,
            SourceRecord.link_explanation,
        ).where(
            SourceRecord.connector_id == connector_id, SourceRecord.external_id.in_(external_ids)
        )
    )
    return {ext: (rid, digest, cid, expl) for ext, rid, digest, cid, expl in rows}


def _stored_records(
    session: Session, connector_id: int, external_ids: list[str]
) -> dict[str, SourceRecord]:
    """The stored rows to update, read after the locks so a concurrent insert is seen."""
    query = select(SourceRecord).where(
        SourceRecord.connector_id == connector_id, SourceRecord.external_id.in_(external_ids)
    )
    return {
        r.external_id: r for r in session.scalars(query.execution_options(populate_existing=True))
    }


def _without_repeats(pendings: list[Pending]) -> Iterator[list[Pending]]:
    """Consecutive groups with distinct external ids; a repeat starts a new group."""
    group: list[Pending] = []
    seen: set[str] = set()
    for pending in pendings:
        if pending.external_id in seen:
            yield group
            group, seen = [], set()
        group.append(pending)
        seen.add(pending.external_id)
    if group:
        yield group


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, max(size, 1))):
        yield chunk
