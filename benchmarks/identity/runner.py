"""Run the identity benchmark: generate, bulk-import, resolve one by one, score, print.

    python -m benchmarks.identity --size 10k [--database-url postgresql://...]

Without ``--database-url`` the store is a fresh SQLite file in a temporary folder.
A PostgreSQL database must be empty; its schema is created or upgraded first.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
import tracemalloc
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from benchmarks.identity.generator import GeneratedRecord, generate, parse_size
from benchmarks.identity.metrics import Evaluation, WorkedQueue, evaluate, work_queue
from benchmarks.identity.report import print_report
from benchmarks.identity.variants import SOURCES
from connectors.base import SourceItem
from connectors.csvimport.pages import PagePlan, PreparedPage, prepare_page
from connectors.csvimport.rows import PreparedRow, RefusedRow, prepare_row
from core import migrate
from core.ahead import computed_ahead
from core.db import Database
from core.identity import CHUNK_SIZE, IdentityOptions, ingest_customer, ingest_featured
from core.identity.common_keys import refresh_after_growth
from core.models import Connector, Customer, ReviewItem, SourceRecord
from mapping import load_default_mapping

_NO_CUSTOMER = -1


@dataclass
class Run:
    size: int
    database: Database
    connectors: dict[str, int]
    truth: array = field(default_factory=lambda: array("i"))
    bulk_seconds: float = 0.0
    generation_seconds: float = 0.0
    bulk_records: int = 0
    refused: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    actions: dict[str, int] = field(default_factory=dict)


def main() -> None:
    args = _arguments()
    size = parse_size(args.size)
    with tempfile.TemporaryDirectory(prefix="identity-bench-") as folder:
        url = args.database_url or f"sqlite:///{args.keep or Path(folder) / 'bench.db'}"
        database = _prepared_database(url)
        run = Run(size, database, _connectors(database))
        records = generate(size + args.incremental, args.seed)
        if args.tracemalloc:
            tracemalloc.start()
        bulk(run, _take(records, size), args.chunk_size, args.prepare_workers)
        traced_peak = tracemalloc.get_traced_memory()[1] if args.tracemalloc else None
        _incremental(run, records)
        evaluation = _score(run)
        rss_mb = _peak_rss_mb()  # read first: working the queue is bookkeeping, not product
        print_report(
            run, evaluation, queue=_worked_queue(run), rss_mb=rss_mb, traced=traced_peak, args=args
        )
        database.dispose()


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="identity resolution benchmark")
    parser.add_argument("--size", default="10k", help="records in the bulk load: 10k, 100k, 1m")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", default=None, help="an empty PostgreSQL database")
    parser.add_argument("--incremental", type=int, default=1000, help="records resolved one by one")
    parser.add_argument("--chunk-size", type=int, default=CHUNK_SIZE)
    parser.add_argument(
        "--prepare-workers",
        type=int,
        default=1,
        help="child processes mapping and normalizing ahead of the writer (0: none)",
    )
    parser.add_argument("--tracemalloc", action="store_true", help="trace Python allocations")
    parser.add_argument(
        "--keep",
        type=Path,
        default=None,
        help="keep the SQLite store in this new file (for benchmarks.identity.cold_start)",
    )
    args = parser.parse_args()
    if args.keep is not None and (args.database_url or args.keep.exists()):
        parser.error("--keep takes a path that does not exist yet, and no --database-url")
    return args


def _prepared_database(url: str) -> Database:
    url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    database = Database(url)
    migrate.upgrade(database)
    with database.session() as session:
        if session.scalar(select(func.count()).select_from(SourceRecord)):
            raise SystemExit("the database already holds source records: give an empty one")
    return database


def _connectors(database: Database) -> dict[str, int]:
    """One connector per generated source, as if each were a separate CSV import."""
    with database.session() as session:
        rows = {name: Connector(kind="csvimport", name=f"bench {name}") for name in SOURCES}
        session.add_all(rows.values())
        session.flush()
        return {name: row.id for name, row in rows.items()}


def _take(records: Iterator[GeneratedRecord], count: int) -> Iterator[GeneratedRecord]:
    for _ in range(count):
        yield next(records)


def bulk(run: Run, records: Iterable[GeneratedRecord], chunk_size: int, workers: int) -> None:
    """Records grouped per source into chunks, mapped and featured ``workers`` chunks
    ahead in child processes (as ``crmhub import csv`` does) while the main process
    resolves and writes; generating the records is not counted."""
    plan = PagePlan(_MAPPING, {}, IdentityOptions(), chunk_size)
    started = time.perf_counter()
    chunks = _source_chunks(run, records, chunk_size)
    for (source, items), prepared in computed_ahead(_prepare_chunk, plan, chunks, workers):
        prepared.remember()
        for result in ingest_featured(run.database, run.connectors[source], prepared.chunks):
            run.actions[result.action] = run.actions.get(result.action, 0) + 1
        run.bulk_records += len(items)
        run.refused += len(prepared.problems)
    refresh_after_growth(run.database, run.bulk_records)  # as an import does at its end
    run.bulk_seconds = time.perf_counter() - started - run.generation_seconds


def _source_chunks(
    run: Run, records: Iterable[GeneratedRecord], chunk_size: int
) -> Iterator[tuple[str, tuple[SourceItem, ...]]]:
    """Full chunks of one source as they fill, then the rest; times the generator."""
    pending: dict[str, list[SourceItem]] = {name: [] for name in SOURCES}
    resumed = time.perf_counter()
    for record in records:
        run.truth.append(record.person)
        batch = pending[record.source]
        batch.append(_source_item(record))
        if len(batch) >= chunk_size:
            run.generation_seconds += time.perf_counter() - resumed
            yield record.source, tuple(batch)
            resumed = time.perf_counter()
            batch.clear()
    run.generation_seconds += time.perf_counter() - resumed
    for source, batch in pending.items():
        if batch:
            yield source, tuple(batch)


def _prepare_chunk(plan: PagePlan, chunk: tuple[str, tuple[SourceItem, ...]]) -> PreparedPage:
    return prepare_page(plan, chunk[1])


def _source_item(record: GeneratedRecord) -> SourceItem:
    return SourceItem({"external_id": record.external_id, **record.row}, None, record.index)


def prepared(record: GeneratedRecord) -> PreparedRow | None:
    """The record mapped and normalized as a CSV row; None when the row is refused."""
    try:
        return prepare_row(_source_item(record), _MAPPING, {})
    except RefusedRow:
        return None


def _incremental(run: Run, records: Iterable[GeneratedRecord]) -> None:
    """Each record resolved alone in its own transaction, on top of the loaded store."""
    for record in records:
        run.truth.append(record.person)
        started = time.perf_counter()
        ready = prepared(record)
        if ready is not None:
            with run.database.session() as session:
                ingest_customer(
                    session,
                    connector_id=run.connectors[record.source],
                    external_id=ready.external_id,
                    raw=ready.raw,
                    mapped=ready.mapped,
                )
        run.latencies_ms.append((time.perf_counter() - started) * 1000)


def _score(run: Run) -> Evaluation:
    return evaluate((customer, person) for _, customer, person in _labels(run))


def _worked_queue(run: Run) -> WorkedQueue:
    """The open review items decided by the truth: what the queue is worth to a reviewer."""
    records = list(_labels(run))
    with run.database.session() as session:
        items = session.execute(
            select(ReviewItem.source_record_id, ReviewItem.candidate_record_id).where(
                ReviewItem.status == "open"
            )
        )
        return work_queue(records, items)


def _labels(run: Run) -> Iterator[tuple[int, int, int]]:
    """(record, customer, person) per stored record; merged customers followed to the
    winner."""
    with run.database.session() as session:
        merged = merged_customers(session)
        rows = session.execute(
            select(SourceRecord.id, SourceRecord.external_id, SourceRecord.customer_id)
        ).yield_per(10_000)
        for record_id, external_id, customer_id in rows:
            index = int(external_id.rsplit("-", 1)[1])
            customer = winner(customer_id, merged) if customer_id else _NO_CUSTOMER - index
            yield record_id, customer, run.truth[index]


def merged_customers(session: Session) -> dict[int, int]:
    """Each merged customer's id -> the customer it was merged into."""
    query = select(Customer.id, Customer.merged_into_id).where(Customer.merged_into_id.is_not(None))
    return dict(session.execute(query).all())


def winner(customer_id: int, merged: dict[int, int]) -> int:
    """The customer a merged one ended up in (chains followed, a cycle cut short)."""
    seen = 0
    while customer_id in merged and seen < 100:
        customer_id, seen = merged[customer_id], seen + 1
    return customer_id


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


_MAPPING = load_default_mapping("csvimport", "customer")
