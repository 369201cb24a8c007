"""``python -m connectors.outlook.emulator``: serve generated mailboxes until interrupted."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading

from connectors.mailboxes import Spec
from connectors.outlook.emulator.app import OutlookEmulator


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve a Graph mail emulator on 127.0.0.1.")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--messages", type=int, default=2000, help="messages per mailbox")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    args = parser.parse_args(argv)
    emulator = OutlookEmulator(
        spec=Spec(seed=args.seed, reps=args.reps, messages_per_mailbox=args.messages)
    )
    emulator.start(port=args.port)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stop cleanly on kill
    details = {
        "authority": emulator.authority(),
        "graph_url": emulator.graph_url,
        "client_id": emulator.client_id,
        "client_secret": emulator.client_secret,
        "certificate_path": emulator.certificate_path,
        "mailboxes": {
            email: {"id": box.object_id, "refresh_token": emulator.user_refresh_token(email)}
            for email, box in emulator.mailboxes.items()
        },
    }
    print(f"Outlook emulator at {emulator.url} (Graph {emulator.graph_url})", flush=True)
    print(json.dumps(details, indent=2), flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()


if __name__ == "__main__":
    main()
