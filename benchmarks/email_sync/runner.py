"""``python -m benchmarks.email_sync``: backfill throughput under quota, then push latency."""

from __future__ import annotations

import argparse
import time

from benchmarks.email_sync import backfill, latency
from benchmarks.email_sync.deployment import connect, google_env
from benchmarks.webhooks.stack import running_stack
from connectors.gmail.emulator import GmailEmulator
from connectors.mailboxes import Spec


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=10_000, help="messages per mailbox")
    parser.add_argument("--mailboxes", default="1,4", help="mailboxes per round, e.g. 1,4")
    parser.add_argument("--store", choices=("embedded", "postgres"), default="embedded")
    parser.add_argument("--pushes", type=int, default=30, help="messages timed after a push")
    parser.add_argument("--pace", type=float, default=1.5, help="seconds between them")
    args = parser.parse_args(argv)
    rounds = [int(n) for n in args.mailboxes.split(",") if n.strip()]

    # Every round gets mailboxes of its own: Gmail's quota is per user and per minute.
    spec = Spec(seed=7, reps=sum(rounds), messages_per_mailbox=args.messages, days=120)
    began = time.monotonic()
    emulator = GmailEmulator(spec=spec)  # default limits: 15,000 units per user per minute
    print(f"generated {sum(rounds)} mailboxes of {args.messages} messages "
          f"in {time.monotonic() - began:.1f} s", flush=True)  # fmt: skip
    with emulator, running_stack(args.store, extra_env=google_env(emulator)) as stack:
        database, vault = stack.database(), stack.vault()
        emails = iter(emulator.mailboxes)
        first = ""
        for size in rounds:
            chosen = [next(emails) for _ in range(size)]
            first = first or chosen[0]
            connectors = {e: connect(database, vault, emulator, e, spec) for e in chosen}
            print(backfill.run(stack, emulator, connectors).report(), flush=True)
        database.dispose()
        if args.pushes and first:
            result = latency.run(stack, emulator, first, count=args.pushes, pace=args.pace)
            print(result.report(), flush=True)


if __name__ == "__main__":
    main()
