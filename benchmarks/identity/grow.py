"""Grow a kept store with more generated records, through the benchmark's bulk load.

    python -m benchmarks.identity --size 1m --keep /var/tmp/store.db
    python -m benchmarks.identity.grow /var/tmp/store.db --records 900k --seed 8
    python -m benchmarks.identity.cold_start /var/tmp/store.db

A store of 1M customers takes about 1.85M records; loading them from scratch takes
hours. Growing a kept 1M-record store gets there in less, for measuring incremental
resolves on it (``cold_start``). The new records come from another seed's people,
numbered past the store's highest, so no external id clashes; their truth is not
the store's, so the grown store's quality is not scored (the benchmark scores quality).
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from benchmarks.identity.generator import generate, parse_size
from benchmarks.identity.kept import kept_connectors, next_index, store_counts
from benchmarks.identity.runner import Run, bulk
from core.db import Database
from core.identity import CHUNK_SIZE


def main() -> None:
    args = _arguments()
    database = Database(f"sqlite:///{args.store}")
    try:
        with database.session() as session:
            connectors = kept_connectors(session)
            start = next_index(session)
            records_before, customers_before = store_counts(session)
        print(
            f"store {args.store}: {records_before:,} records, {customers_before:,} customers;"
            f" adding {args.records:,} records of seed {args.seed} from #{start}",
            flush=True,
        )
        run = Run(args.records, database, connectors)
        numbered = (replace(r, index=start + r.index) for r in generate(args.records, args.seed))
        bulk(run, numbered, args.chunk_size, args.prepare_workers)
        with database.session() as session:
            records_after, customers_after = store_counts(session)
    finally:
        database.dispose()
    rate = run.bulk_records / run.bulk_seconds if run.bulk_seconds else 0.0
    actions = ", ".join(f"{name} {count:,}" for name, count in sorted(run.actions.items()))
    print(
        f"bulk load: {run.bulk_records:,} records in {run.bulk_seconds:,.0f} s"
        f" ({rate:,.0f} records/s), refused by the importer {run.refused:,}\n"
        f"actions: {actions}\n"
        f"store now: {records_after:,} records, {customers_after:,} customers"
        f" ({args.store.stat().st_size / 2**30:.2f} GiB)"
    )


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path, help="a SQLite store kept by the benchmark's --keep")
    parser.add_argument("--records", type=parse_size, default=100_000, help="records to add")
    parser.add_argument("--seed", type=int, default=8, help="another seed than the store's")
    parser.add_argument("--chunk-size", type=int, default=CHUNK_SIZE)
    parser.add_argument("--prepare-workers", type=int, default=1)
    args = parser.parse_args()
    if not args.store.is_file():
        parser.error(f"{args.store} is not a file")
    return args


if __name__ == "__main__":
    main()
