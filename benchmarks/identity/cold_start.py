"""Incremental resolves on a stored SQLite store, from a cold page cache and after the
worker's preload (``core/sqlite_prewarm.py``).

    python -m benchmarks.identity --size 1m --keep /var/tmp/store1m.db
    python -m benchmarks.identity.cold_start /var/tmp/store1m.db [--records 2000] [--rounds 2]

Each phase drops the store's file from the page cache (``POSIX_FADV_DONTNEED``: no root
needed), opens the store afresh and resolves new generated records one by one; a
"preloaded" phase first reads the file as a worker does at start. Phases alternate
(cold, preloaded, preloaded, cold, ...) so a drift of the machine does not favour one.
The first ``--warm-up`` resolves of each phase are left out of its figures. Every phase
adds its records to the store: use a copy you can spare.
"""

from __future__ import annotations

import argparse
import os
import time
from itertools import islice
from pathlib import Path

from benchmarks.identity.kept import kept_connectors, next_index
from benchmarks.identity.resolves import database_url, latency_line, records_past, timed_resolves
from core.db import Database
from core.sqlite_prewarm import prewarm_file


def main() -> None:
    args = _arguments()
    store: Path = args.store
    url = database_url(str(store))
    database = Database(url)
    with database.session() as session:
        connectors = kept_connectors(session)
        start = next_index(session)
    database.dispose()
    per_phase = args.warm_up + args.records
    phases = _phase_order(args.rounds)
    print(f"store {store}: {store.stat().st_size / 2**30:.2f} GiB; new records from #{start}")
    started = time.perf_counter()
    records = records_past(start, args.seed, start + per_phase * len(phases))
    batches = [list(islice(records, per_phase)) for _ in phases]
    print(f"generating past #{start} took {time.perf_counter() - started:.0f} s (not counted)")
    for number, (preload, batch) in enumerate(zip(phases, batches, strict=True), 1):
        _evict(store)
        line = f"phase {number} {'preloaded' if preload else 'cold     '}"
        if preload:
            wall, cpu = time.perf_counter(), time.process_time()
            read = prewarm_file(store, budget=None)
            line += (
                f"  read {read / 2**30:.2f} GiB in {time.perf_counter() - wall:.1f} s"
                f" ({time.process_time() - cpu:.1f} s CPU)"
            )
        latencies = timed_resolves(url, connectors, batch)[args.warm_up :]
        print(f"{line}\n    {latency_line(latencies)}", flush=True)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="incremental resolves, cold and preloaded")
    parser.add_argument("store", type=Path, help="a SQLite store kept by the benchmark's --keep")
    parser.add_argument("--records", type=int, default=2000, help="measured resolves per phase")
    parser.add_argument("--warm-up", type=int, default=200, help="unmeasured resolves first")
    parser.add_argument("--rounds", type=int, default=2, help="pairs of phases")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if not args.store.is_file():
        parser.error(f"{args.store} is not a file")
    return args


def _phase_order(rounds: int) -> list[bool]:
    """True for a preloaded phase: cold first in odd rounds, preloaded first in even."""
    return [
        preload
        for number in range(rounds)
        for preload in ((False, True), (True, False))[number % 2]
    ]


def _evict(store: Path) -> None:
    """Write the store's dirty pages out, then drop all its pages from the page cache."""
    descriptor = os.open(store, os.O_RDONLY)
    try:
        os.fsync(descriptor)
        os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(descriptor)


if __name__ == "__main__":
    main()
