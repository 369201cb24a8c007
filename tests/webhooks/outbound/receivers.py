"""Real network peers for webhook tests: a scripted receiver and a canary listener.

The receiver is an HTTP/1.1 server on 127.0.0.1 in a thread. It answers from a script
(status, headers, body, or "hold until released"), records every request, and checks
each one with ``standardwebhooks.Webhook(secret).verify`` for every secret it knows.
The canary is a TCP listener on every local address (IPv4 and IPv6) that must never
be reached: it only counts the connections it accepts.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook, WebhookVerificationError

from tests.waiting import wait_until

HOLD_LIMIT = 60.0


@dataclass(frozen=True)
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b"ok"
    hold: bool = False  # keep the request open until the receiver is released
    echo: bool = False  # answer with the request's headers and the receiver's secrets


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    verified_by: tuple[int, ...]  # indexes of the secrets that verify this request

    @property
    def webhook_id(self) -> str:
        return self.headers["webhook-id"]


class Receiver:
    """Answers with the scripted replies in order, then with ``default``."""

    def __init__(self, secrets: tuple[str, ...] = (), default: Reply | None = None) -> None:
        self.secrets = list(secrets)
        self.default = default or Reply()
        self.script: list[Reply] = []
        self.requests: list[Received] = []
        self.released = threading.Event()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def then(self, *replies: Reply) -> Receiver:
        self.script.extend(replies)
        return self

    def count(self) -> int:
        with self._lock:
            return len(self.requests)

    def start(self) -> Receiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.released.set()
        self._server.shutdown()
        self._server.server_close()

    def _take(self, received: Received) -> Reply:
        with self._lock:
            self.requests.append(received)
            return self.script.pop(0) if self.script else self.default

    def _verify(self, body: bytes, headers: dict[str, str]) -> tuple[int, ...]:
        verified = []
        for index, secret in enumerate(self.secrets):
            try:
                Webhook(secret).verify(body, headers)
            except WebhookVerificationError:
                continue
            verified.append(index)
        return tuple(verified)


def _handler_for(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            headers = {k.lower(): v for k, v in self.headers.items()}
            reply = receiver._take(
                Received(self.path, headers, body, receiver._verify(body, headers))
            )
            if reply.hold:
                receiver.released.wait(HOLD_LIMIT)
            body = reply.body
            if reply.echo:
                body = json.dumps({"headers": headers, "secrets": receiver.secrets}).encode() + body
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST

        def log_message(self, *_args: Any) -> None:
            pass

    return Handler


class Canary:
    """A listener on every local address; any connection to it is a guard failure."""

    def __init__(self) -> None:
        self._socket = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("::", 0))
        self._socket.listen(64)
        self.port = int(self._socket.getsockname()[1])
        self.hits = 0
        self._own = 0
        self._peer_ports: list[int] = []
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                connection, peer = self._socket.accept()
            except OSError:
                return
            self._peer_ports.append(peer[1])
            self.hits += 1
            connection.close()

    def foreign_hits(self) -> int:
        """Connections from anyone but us, counted after the accept queue is drained.

        The kernel completes a connection before ``accept`` sees it; our own probe goes
        to the back of the queue, so once it is counted everything before it is too.
        """
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as probe:
            own_port = probe.getsockname()[1]
        self._own += 1
        wait_until(lambda: own_port in self._peer_ports, timeout=10, message="canary is stuck")
        return self.hits - self._own

    def stop(self) -> None:
        self._stopped.set()
        with suppress(OSError):  # wakes the accept loop
            self._socket.shutdown(socket.SHUT_RDWR)
        self._socket.close()


@contextmanager
def running(receiver: Receiver) -> Iterator[Receiver]:
    receiver.start()
    try:
        yield receiver
    finally:
        receiver.stop()
