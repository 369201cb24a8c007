"""Provider limits as the emulators enforce them, keyed by mailbox.

``SlidingWindow`` charges units over a rolling period (Gmail: 15,000 units per user per
minute; Graph: 10,000 requests per mailbox per 10 minutes) and says how long until a
charge would fit. ``Concurrency`` counts requests in flight. ``RetryAfterLedger``
remembers each Retry-After it sent and counts requests that came back too early.
``Gate`` holds requests on demand, so a test can line up concurrent requests without
timing guesses.
"""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict, deque


class SlidingWindow:
    """Units charged per key over the last ``period`` seconds."""

    def __init__(self, limit: int, period: float) -> None:
        self.limit, self.period = limit, period
        self._charges: dict[str, deque[tuple[float, int]]] = defaultdict(deque)
        self._totals: dict[str, int] = defaultdict(int)
        self._lock = threading.Lock()

    def charge(self, key: str, units: int, now: float | None = None) -> float:
        """Charge and return 0.0, or charge nothing and return seconds until it would fit."""
        now = time.monotonic() if now is None else now
        with self._lock:
            charges = self._charges[key]
            while charges and charges[0][0] <= now - self.period:
                self._totals[key] -= charges.popleft()[1]
            if self._totals[key] + units <= self.limit:
                charges.append((now, units))
                self._totals[key] += units
                return 0.0
            excess = self._totals[key] + units - self.limit
            for at, charged in charges:
                excess -= charged
                if excess <= 0:
                    return max(0.001, at + self.period - now)
            return self.period

    def used(self, key: str) -> int:
        with self._lock:
            return self._totals[key]

    def reset(self) -> None:
        with self._lock:
            self._charges.clear()
            self._totals.clear()


class Concurrency:
    """Requests in flight per key, with a ceiling."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._in_flight: dict[str, int] = defaultdict(int)
        self._peak: dict[str, int] = defaultdict(int)
        self._lock = threading.Lock()

    def acquire(self, key: str, wanted: int = 1) -> int:
        """Take up to ``wanted`` slots and return how many were granted (maybe 0)."""
        with self._lock:
            granted = max(0, min(wanted, self.limit - self._in_flight[key]))
            self._in_flight[key] += granted
            self._peak[key] = max(self._peak[key], self._in_flight[key])
            return granted

    def release(self, key: str, count: int = 1) -> None:
        with self._lock:
            self._in_flight[key] -= count

    def in_flight(self, key: str) -> int:
        with self._lock:
            return self._in_flight[key]

    def peak(self, key: str) -> int:
        with self._lock:
            return self._peak[key]


class RetryAfterLedger:
    """When each key may come back, and how often it came back before that.

    Requests arriving within ``grace`` seconds after a 429 was sent are not counted:
    they were already on the wire when the client got the answer. ``tolerance`` absorbs
    clock rounding at the other end of the wait.
    """

    def __init__(self, tolerance: float = 0.05, grace: float = 0.2) -> None:
        self.tolerance, self.grace = tolerance, grace
        self._told: dict[str, tuple[float, float]] = {}
        self.violations: dict[str, int] = defaultdict(int)
        self._lock = threading.Lock()

    def told(self, key: str, seconds: float, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            _, until = self._told.get(key, (0.0, 0.0))
            self._told[key] = (now, max(until, now + seconds))

    def arrived(self, key: str, now: float | None = None) -> bool:
        """Record an arrival; True when it came before the last Retry-After had passed."""
        now = time.monotonic() if now is None else now
        with self._lock:
            sent, until = self._told.get(key, (0.0, 0.0))
            if sent + self.grace < now < until - self.tolerance:
                self.violations[key] += 1
                return True
            return False

    def total(self) -> int:
        with self._lock:
            return sum(self.violations.values())


def retry_after_header(seconds: float) -> str:
    """Retry-After carries whole seconds; round up so waiting that long is enough."""
    return str(max(1, math.ceil(seconds)))


class Gate:
    """Open by default; while closed, requests wait at it (up to ``timeout`` seconds)."""

    def __init__(self, timeout: float = 30.0) -> None:
        self.timeout = timeout
        self._open = threading.Event()
        self._open.set()
        self._waiting = 0
        self._lock = threading.Lock()

    def close(self) -> None:
        self._open.clear()

    def open(self) -> None:
        self._open.set()

    @property
    def waiting(self) -> int:
        with self._lock:
            return self._waiting

    def pass_through(self) -> None:
        if self._open.is_set():
            return
        with self._lock:
            self._waiting += 1
        try:
            self._open.wait(self.timeout)
        finally:
            with self._lock:
                self._waiting -= 1
