"""The benchmark's printout: figures beside their targets."""

from __future__ import annotations

import argparse
import os
import platform
import resource
from typing import Any

from benchmarks.identity.metrics import Evaluation, WorkedQueue, median, percentile

TARGETS = {
    "cluster precision": 0.999,
    "cluster F1": 0.98,
    "bulk records/s": 5_000,
    "incremental p99 ms": 20.0,
}


def print_report(
    run: Any,
    evaluation: Evaluation,
    *,
    queue: WorkedQueue,
    rss_mb: float,
    traced: int | None,
    args: argparse.Namespace,
) -> None:
    backend = run.database.dialect
    print(f"identity benchmark: {run.size:,} records, seed {args.seed}, {backend}")
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores")
    print(
        f"people {evaluation.people:,}  customers {evaluation.customers:,}  "
        f"records scored {evaluation.records:,}  refused by the importer {run.refused:,}"
    )
    print(f"bulk actions: {', '.join(f'{k} {v:,}' for k, v in sorted(run.actions.items()))}")
    _line("pairwise precision", evaluation.pairwise.precision)
    _line("pairwise recall", evaluation.pairwise.recall)
    _line("pairwise F1", evaluation.pairwise.f1)
    _line("cluster precision", evaluation.cluster.precision, "cluster precision")
    _line("cluster recall", evaluation.cluster.recall)
    _line("cluster F1", evaluation.cluster.f1, "cluster F1")
    print(
        f"  false merges {evaluation.false_merges:,}  splits {evaluation.splits:,}  "
        f"exact clusters {evaluation.exact_clusters:,}"
    )
    _print_queue(queue)
    rate = run.bulk_records / run.bulk_seconds if run.bulk_seconds else 0.0
    _line("bulk records/s", rate, "bulk records/s", higher=True, digits=0)
    ahead = args.prepare_workers
    helpers = f"mapping and features in {ahead} child process(es) ahead" if ahead else "one process"
    print(f"  ({run.bulk_records:,} records in {run.bulk_seconds:.1f} s: {helpers})")
    latencies = run.latencies_ms
    _line("incremental p50 ms", median(latencies), digits=2)
    _line("incremental p99 ms", percentile(latencies, 0.99), "incremental p99 ms", False, 2)
    print(f"  ({len(latencies):,} records, one transaction each, on {run.size:,} loaded)")
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory (max RSS): {rss_mb:,.0f} MB; largest child process {children:,.0f} MB")
    if traced is not None:
        print(f"peak traced Python allocations during the bulk load: {traced / 2**20:,.0f} MB")


def _print_queue(queue: WorkedQueue) -> None:
    """What a reviewer working the queue would achieve (not a target: people decide)."""
    share = queue.duplicates / queue.items if queue.items else 0.0
    after = queue.after
    print(
        f"review queue: {queue.items:,} open items, {queue.duplicates:,} of them one person "
        f"({share:.0%}); decided, the customers would score:"
    )
    _line("  cluster precision", after.cluster.precision)
    _line("  cluster recall", after.cluster.recall)
    _line("  cluster F1", after.cluster.f1)
    print(f"    false merges {after.false_merges:,}  splits {after.splits:,}")


def _line(
    label: str, value: float, target: str | None = None, higher: bool = True, digits: int = 4
) -> None:
    text = f"  {label:<22}{value:>12,.{digits}f}"
    if target is not None:
        goal = TARGETS[target]
        met = value >= goal if higher else value <= goal
        sign = ">=" if higher else "<="
        text += f"   target {sign} {goal:,}  {'met' if met else 'NOT met'}"
    print(text)
