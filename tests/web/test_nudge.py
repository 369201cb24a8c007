"""One broker message per connector per window: the first at once, the rest trailing."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from web.nudge import Nudger


class Clock:
    def __init__(self) -> None:
        self.now = 100.0
        self.scheduled: list[tuple[float, Callable[[], None]]] = []

    def __call__(self) -> float:
        return self.now

    def schedule(self, delay: float, action: Callable[[], None]) -> None:
        self.scheduled.append((delay, action))


def test_the_first_goes_at_once_and_a_burst_becomes_one_trailing_message() -> None:
    clock, sent = Clock(), []
    nudger = Nudger(sent.append, window=0.25, clock=clock, schedule=clock.schedule)
    assert nudger.nudge(7) is True
    clock.now += 0.05
    assert [nudger.nudge(7) for _ in range(50)] == [False] * 50
    assert sent == [7]
    [(delay, flush)] = clock.scheduled  # one trailing message, at the window's end
    assert delay == pytest.approx(0.20)
    clock.now += 0.20
    flush()
    assert sent == [7, 7]
    clock.now += 0.30
    assert nudger.nudge(7) is True  # a new window
    assert sent == [7, 7, 7]


def test_connectors_have_windows_of_their_own_and_send_now_skips_the_window() -> None:
    clock, sent = Clock(), []
    nudger = Nudger(sent.append, window=0.25, clock=clock, schedule=clock.schedule)
    nudger.nudge(1)
    nudger.nudge(2)
    nudger.send_now(1)
    assert sent == [1, 2, 1]
    assert clock.scheduled == []


def test_an_error_sending_now_reaches_the_caller_and_a_trailing_one_is_only_logged() -> None:
    clock = Clock()

    def broken(_connector_id: int) -> None:
        raise OSError("broker down")

    nudger = Nudger(broken, window=0.25, clock=clock, schedule=clock.schedule)
    with pytest.raises(OSError, match="broker down"):
        nudger.nudge(3)
    assert nudger.nudge(3) is False
    [(_delay, flush)] = clock.scheduled
    flush()  # the sweeper queues what this could not; nothing is raised here
