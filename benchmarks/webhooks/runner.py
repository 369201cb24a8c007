"""Run the webhook benchmarks on one store and print their figures.

    python -m benchmarks.webhooks [--store embedded|postgres] [--only inbound,e2e,outbound]

Each part gets a fresh deployment (its own data folder, database and processes).
"""

from __future__ import annotations

import argparse
import os

from benchmarks.webhooks.end_to_end import measure_end_to_end
from benchmarks.webhooks.inbound import Acceptance, measure_inbound
from benchmarks.webhooks.outbound import measure_outbound
from benchmarks.webhooks.stack import running_stack

PARTS = ("inbound", "e2e", "outbound")


def main() -> None:
    args = _arguments()
    parts = [p for p in args.only.split(",") if p] if args.only else list(PARTS)
    print(f"store: {args.store}; {os.cpu_count()} CPUs")
    if "inbound" in parts:
        with running_stack(args.store) as stack:
            figures = measure_inbound(stack, args.seconds, args.clients)
        print(
            f"inbound acceptance ({args.clients} clients, {args.seconds:.0f} s, "
            "2 web processes):\n"
            f"  crmhub  {_acceptance(figures.crmhub)}\n"
            f"  trivial {_acceptance(figures.trivial)}\n"
            f"  ratio {figures.ratio:.2f} (target >= 0.5); stored {figures.stored} events for "
            f"{figures.crmhub.accepted} accepted answers"
        )
    if "e2e" in parts:
        with running_stack(args.store) as stack:
            e2e = measure_end_to_end(stack, args.rate, args.seconds)
        print(
            f"end to end (form post -> activity.logged webhook) at {e2e.rate:.0f} posts/s:\n"
            f"  posted {e2e.posted}, accepted {e2e.accepted}, webhooks arrived {e2e.arrived}"
            f"  other {e2e.other_statuses}\n"
            f"  p50 {e2e.p50_ms:.0f} ms  p95 {e2e.p95_ms:.0f} ms  max {e2e.max_ms:.0f} ms"
            " (target p95 < 1000 ms)"
        )
        answered_p50, answered_p95 = e2e.answered
        print(f"    {'post answered':<22} p50 {answered_p50:6.0f} ms  p95 {answered_p95:6.0f} ms")
        for stage, (p50, p95) in e2e.stages.items():
            print(f"    {stage:<22} p50 {p50:6.0f} ms  p95 {p95:6.0f} ms")
    if "outbound" in parts:
        with running_stack(args.store) as stack:
            out = measure_outbound(stack, args.events)
        print(
            f"outbound ({out.events} events, one endpoint, one worker -c 2):\n"
            f"  delivered {out.delivered}, repeats {out.duplicates}\n"
            f"  {out.sending_per_second:.0f} deliveries/s while sending, "
            f"{out.whole_path_per_second:.0f}/s from commit (target >= 1000/s)"
        )


def _acceptance(figures: Acceptance) -> str:
    return (
        f"{figures.per_second:7.0f} req/s  p50 {figures.p50_ms:6.1f} ms  "
        f"p99 {figures.p99_ms:6.1f} ms  other {figures.other_statuses}  errors {figures.errors}"
    )


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.webhooks")
    parser.add_argument("--store", choices=("embedded", "postgres"), default="embedded")
    parser.add_argument("--only", default="", help="comma-separated: " + ",".join(PARTS))
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--rate", type=float, default=200.0, help="end-to-end posts per second")
    parser.add_argument("--events", type=int, default=10_000, help="outbound events")
    args = parser.parse_args()
    unknown = {p for p in args.only.split(",") if p} - set(PARTS)
    if unknown:
        parser.error(f"unknown part {', '.join(sorted(unknown))}: choose from {', '.join(PARTS)}")
    return args
