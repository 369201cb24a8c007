"""``python -m connectors.gmail.emulator``: serve generated mailboxes until interrupted."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading

from connectors.gmail.emulator.app import GmailEmulator
from connectors.mailboxes import Spec


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve a Gmail API emulator on 127.0.0.1.")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--messages", type=int, default=2000, help="messages per mailbox")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    args = parser.parse_args(argv)
    emulator = GmailEmulator(
        spec=Spec(seed=args.seed, reps=args.reps, messages_per_mailbox=args.messages)
    )
    emulator.start(port=args.port)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stop cleanly on kill
    accounts = {email: emulator.credentials(email) for email in emulator.mailboxes}
    print(f"Gmail emulator at {emulator.url}", flush=True)
    print(f"batch endpoint: {emulator.url}/batch", flush=True)
    print(json.dumps({"url": emulator.url, "accounts": accounts}, indent=2), flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()


if __name__ == "__main__":
    main()
