"""Incremental resolves on a kept store as it stands: a SQLite file or a PostgreSQL URL.

    python -m benchmarks.identity.resolves /var/tmp/store.db [--records 2000] [--rounds 2]
    python -m benchmarks.identity.resolves postgresql://user@127.0.0.1/bench

New generated records (numbered past the highest the store holds) are mapped as CSV
rows and resolved one by one, each in its own transaction, commit included, by a fresh
``Database`` per round; the first ``--warm-up`` of each round are left out. Every round
adds its records to the store: use a copy you can spare. ``--count-common-keys`` runs
the hourly count of common keys first (a store in service has it; a copied one may not).
"""

from __future__ import annotations

import argparse
import time
from collections import deque
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from benchmarks.identity.generator import generate
from benchmarks.identity.kept import kept_connectors, next_index, store_counts
from benchmarks.identity.metrics import median, percentile
from benchmarks.identity.runner import prepared
from connectors.csvimport.rows import PreparedRow
from core.db import Database
from core.identity import ingest_customer
from core.identity.common_keys import refresh_common_keys

Batch = list[tuple[str, PreparedRow]]


def database_url(store: str) -> str:
    """A SQLite file's URL, or a PostgreSQL URL with the driver crmhub uses."""
    if store.startswith("postgresql"):
        return store.replace("postgresql://", "postgresql+psycopg://", 1)
    return f"sqlite:///{store}"


def records_past(start: int, seed: int, total: int) -> Iterator[tuple[str, PreparedRow]]:
    """Generated records from ``start`` on, as CSV rows (refused ones left out); the
    first ``start`` are generated and dropped, so ``total`` must cover them."""
    records = generate(total, seed)
    deque(islice(records, start), maxlen=0)  # the store holds these already
    for record in records:
        if (ready := prepared(record)) is not None:
            yield record.source, ready


def timed_resolves(url: str, connectors: dict[str, int], batch: Batch) -> list[float]:
    """Milliseconds per record, each resolved in its own transaction by a fresh Database."""
    database = Database(url)
    latencies = []
    try:
        for source, ready in batch:
            began = time.perf_counter()
            with database.session() as session:
                ingest_customer(
                    session,
                    connector_id=connectors[source],
                    external_id=ready.external_id,
                    raw=ready.raw,
                    mapped=ready.mapped,
                )
            latencies.append((time.perf_counter() - began) * 1000)
    finally:
        database.dispose()
    return latencies


def latency_line(latencies: list[float]) -> str:
    return (
        f"{len(latencies)} resolves: p50 {median(latencies):.2f} ms,"
        f" p90 {percentile(latencies, 0.9):.2f} ms, p99 {percentile(latencies, 0.99):.2f} ms,"
        f" max {max(latencies):.0f} ms"
    )


def main() -> None:
    args = _arguments()
    url = database_url(args.store)
    database = Database(url)
    try:
        with database.session() as session:
            connectors = kept_connectors(session)
            start = next_index(session)
            records, customers = store_counts(session)
    finally:
        database.dispose()
    print(f"{database.dialect} store: {records:,} records, {customers:,} customers", flush=True)
    if args.count_common_keys:
        _count_common_keys(url)
    per_round = args.warm_up + args.records
    started = time.perf_counter()
    stream = records_past(start, args.seed, start + per_round * args.rounds)
    batches = [list(islice(stream, per_round)) for _ in range(args.rounds)]
    print(f"generating past #{start} took {time.perf_counter() - started:.0f} s (not counted)")
    for number, batch in enumerate(batches, 1):
        latencies = timed_resolves(url, connectors, batch)[args.warm_up :]
        print(f"round {number}: {latency_line(latencies)}", flush=True)


def _count_common_keys(url: str) -> None:
    """The hourly pass, run first, as a store in service would have had it run."""
    database = Database(url)
    try:
        started = time.perf_counter()
        found = refresh_common_keys(database)
        print(f"counted {found:,} common keys in {time.perf_counter() - started:.1f} s", flush=True)
    finally:
        database.dispose()


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", help="a kept SQLite file, or a PostgreSQL URL")
    parser.add_argument("--records", type=int, default=2000, help="measured resolves per round")
    parser.add_argument("--warm-up", type=int, default=200, help="unmeasured resolves first")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--count-common-keys", action="store_true", help="run the common keys' count first"
    )
    args = parser.parse_args()
    if not args.store.startswith("postgresql") and not Path(args.store).is_file():
        parser.error(f"{args.store} is not a file")
    return args


if __name__ == "__main__":
    main()
