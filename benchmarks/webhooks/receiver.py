"""A local webhook receiver that records when each message arrived, by webhook-id."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Arrival:
    at: float  # time.monotonic() in this process
    event_type: str
    data: dict[str, Any]


@dataclass
class Received:
    by_id: dict[str, Arrival] = field(default_factory=dict)
    posts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    changed: threading.Condition = field(init=False)

    def __post_init__(self) -> None:
        self.changed = threading.Condition(self.lock)

    def wait_for(self, count: int, timeout: float) -> bool:
        """Block until ``count`` distinct messages arrived (a benchmark, not a test)."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while len(self.by_id) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.changed.wait(left)
        return True


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    received: Received

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        now = time.monotonic()
        document = json.loads(body)
        arrival = Arrival(now, document.get("type", ""), document.get("data", {}))
        with self.received.changed:
            self.received.posts += 1
            self.received.by_id.setdefault(self.headers.get("webhook-id", ""), arrival)
            self.received.changed.notify_all()
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        return


class Receiver:
    """A threaded HTTP server on 127.0.0.1; ``url`` is where endpoints point."""

    def __init__(self) -> None:
        self.received = Received()
        handler = type("Handler", (_Handler,), {"received": self.received})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
