"""A per-account quota kept on this side, so the provider never has to say 429.

Gmail allows 15,000 units per user per minute; spending against a sliding window of
the same size keeps a backfill just under it. After a 429 the budget is closed until
the ``Retry-After`` moment, so no request of this account goes out before it.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class RateBudget:
    def __init__(
        self,
        units: float,
        window_seconds: float = 60.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.units = units
        self.window = window_seconds
        self._clock = clock
        self._sleep = sleep
        self._spent: deque[tuple[float, float]] = deque()
        self._closed_until = 0.0
        self._lock = threading.Lock()

    def spend(self, units: float) -> float:
        """Wait until ``units`` fit in the window, take them; returns the seconds waited."""
        if units > self.units:
            raise ValueError(f"{units} units can never fit a budget of {self.units}")
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock()
                pause = self._pause(now, units)
                if pause <= 0:
                    self._spent.append((now, units))
                    return waited
            self._sleep(pause)
            waited += pause

    def close_until(self, seconds_from_now: float) -> None:
        """The provider asked to wait: nothing is spent before then."""
        with self._lock:
            self._closed_until = max(self._closed_until, self._clock() + seconds_from_now)

    def _pause(self, now: float, units: float) -> float:
        if now < self._closed_until:
            return self._closed_until - now
        while self._spent and self._spent[0][0] <= now - self.window:
            self._spent.popleft()
        used = sum(spent for _, spent in self._spent)
        if used + units <= self.units:
            return 0.0
        freed = used + units - self.units
        for moment, spent in self._spent:  # the oldest spends leave the window first
            freed -= spent
            if freed <= 0:
                return moment + self.window - now
        return self.window  # unreachable while units <= capacity
