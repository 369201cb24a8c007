"""HTTP load from threads: closed loop (as fast as answered) or open loop (a fixed rate).

A new connection per request, as gunicorn's sync workers close each one anyway.
Requests are built and signed before the clock starts so the client spends its CPU
on sending, not on HMAC.
"""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Request:
    path: str
    body: bytes
    headers: dict[str, str]
    key: str = ""


@dataclass
class Outcome:
    statuses: dict[int, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)  # seconds, 2xx only
    sent_at: dict[str, float] = field(default_factory=dict)  # key -> monotonic send time
    errors: int = 0
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def accepted(self) -> int:
        return sum(count for status, count in self.statuses.items() if 200 <= status < 300)

    def record(self, request: Request, status: int | None, started: float, ended: float) -> None:
        with self.lock:
            if status is None:
                self.errors += 1
                return
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if 200 <= status < 300:
                self.latencies.append(ended - started)
                if request.key:
                    self.sent_at[request.key] = started


def send(port: int, request: Request, outcome: Outcome) -> None:
    started = time.monotonic()
    status: int | None = None
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("POST", request.path, request.body, request.headers)
        response = connection.getresponse()
        response.read()
        status = response.status
    except OSError:
        status = None
    finally:
        connection.close()
    outcome.record(request, status, started, time.monotonic())


def closed_loop(port: int, requests: Sequence[Request], clients: int, seconds: float) -> Outcome:
    """``clients`` threads send back to back for ``seconds``, cycling through requests."""
    outcome = Outcome()
    deadline = time.monotonic() + seconds
    counter = iter(range(10**9))
    counter_lock = threading.Lock()

    def client() -> None:
        while time.monotonic() < deadline:
            with counter_lock:
                index = next(counter)
            if index >= len(requests):
                return
            send(port, requests[index], outcome)

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    outcome.seconds = time.monotonic() - started
    return outcome


def open_loop(port: int, requests: Sequence[Request], rate: float, pool: int = 64) -> Outcome:
    """Each request starts at its slot (i / rate) whether or not earlier ones finished."""
    outcome = Outcome()
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=pool) as executor:
        for index, request in enumerate(requests):
            delay = started + index / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)  # pacing the load, not waiting for a result
            executor.submit(send, port, request, outcome)
        # The offered rate: up to the last request sent, not its answer.
        outcome.seconds = time.monotonic() - started
    return outcome


def percentile(values: Sequence[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]
