"""Telling the workers there are stored events, a few times a second at most.

Every accepted webhook is already in the inbox; the broker message only says "look
now", and a worker takes a whole batch when it looks. Publishing one message per
webhook cost as much as storing the webhook (a broker round trip each), so each web
process sends at most one message per connector per window: the first event at once,
later ones in one trailing message when the window ends. A message that is never sent
(the process dies in between, the broker is down) delays those events until the
sweeper's next round, never loses them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)
WINDOW_SECONDS = 0.25
Schedule = Callable[[float, Callable[[], None]], None]


def _timer(delay: float, action: Callable[[], None]) -> None:
    timer = threading.Timer(delay, action)
    timer.daemon = True
    timer.start()


class Nudger:
    """``nudge(connector_id)``: send now, or fold into the window's trailing message."""

    def __init__(
        self,
        send: Callable[[int], None],
        *,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        schedule: Schedule = _timer,
    ) -> None:
        self._send = send
        self._window = window
        self._clock = clock
        self._schedule = schedule
        self._lock = threading.Lock()
        self._last: dict[int, float] = {}
        self._waiting: set[int] = set()
        self._flush_due = False

    def nudge(self, connector_id: int) -> bool:
        """True when sent now (its errors reach the caller); False when deferred."""
        with self._lock:
            now = self._clock()
            last = self._last.get(connector_id)
            if last is None or now - last >= self._window:
                self._last[connector_id] = now
                send_now = True
            else:
                send_now = False
                self._waiting.add(connector_id)
                if not self._flush_due:
                    self._flush_due = True
                    self._schedule(max(last + self._window - now, 0.0), self._flush)
        if send_now:
            self._send(connector_id)
        return send_now

    def send_now(self, connector_id: int) -> None:
        """Outside the window, for a rare action someone is waiting on."""
        with self._lock:
            self._last[connector_id] = self._clock()
        self._send(connector_id)

    def _flush(self) -> None:
        with self._lock:
            waiting, self._waiting, self._flush_due = self._waiting, set(), False
            now = self._clock()
            for connector_id in waiting:
                self._last[connector_id] = now
        for connector_id in sorted(waiting):
            try:
                self._send(connector_id)
            except Exception:
                log.warning("could not queue inbound processing for connector %s", connector_id)
