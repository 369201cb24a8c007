"""Waiting for a condition with a deadline: how tests synchronize with other processes."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

POLL = 0.05


def wait_until(condition: Callable[[], object], timeout: float = 30.0, message: str = "") -> None:
    """Return as soon as ``condition()`` is truthy; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(message or f"condition not met within {timeout} s")
        pause.wait(POLL)
