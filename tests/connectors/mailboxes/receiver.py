"""A tiny local HTTP receiver that records what the emulators push to it.

Its answer is configurable per test (echo the validation token or not, status code), and
its recorded requests are read with ``wait_until`` instead of sleeping.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from werkzeug.wrappers import Request, Response

from connectors.mailboxes.emulation.server import BackgroundServer


@dataclass
class Received:
    path: str
    args: dict[str, str]
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    echo_validation: bool = True
    status: int = 202
    requests: list[Received] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        with self._lock:
            self.requests.append(
                Received(
                    request.path, dict(request.args), dict(request.headers), request.get_data()
                )
            )
        token = request.args.get("validationToken")
        if token is not None:
            response = (
                Response(token, 200, content_type="text/plain")
                if self.echo_validation
                else Response("nope", 500)
            )
        else:
            response = Response(status=self.status)
        return response(environ, start_response)

    def bodies(self) -> list[bytes]:
        with self._lock:
            return [r.body for r in self.requests if "validationToken" not in r.args]


@contextmanager
def running_receiver(**options: Any) -> Iterator[Receiver]:
    receiver = Receiver(**options)
    server = BackgroundServer(receiver)
    server.start()
    receiver.url = server.url
    try:
        yield receiver
    finally:
        server.stop()
