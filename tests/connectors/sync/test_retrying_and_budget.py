"""Retries honour Retry-After; the budget keeps spending under the quota and after a 429."""

from __future__ import annotations

import pytest

from connectors.sync import RateBudget, RateLimited, Transient, with_retries


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def failing(errors: list[Exception], result: str = "ok"):
    calls = []

    def call() -> str:
        calls.append(1)
        if errors:
            raise errors.pop(0)
        return result

    return call, calls


def test_retry_after_is_waited_exactly() -> None:
    time = FakeTime()
    call, calls = failing([RateLimited("slow down", retry_after=7.0)])
    assert with_retries(call, sleep=time.sleep) == "ok"
    assert time.sleeps == [7.0]
    assert len(calls) == 2


def test_transient_errors_back_off_and_other_errors_go_up_at_once() -> None:
    time = FakeTime()
    call, _ = failing([Transient("502"), Transient("503")])
    assert with_retries(call, sleep=time.sleep) == "ok"
    assert len(time.sleeps) == 2
    assert all(0 < s <= 60 for s in time.sleeps)
    call, calls = failing([ValueError("a bug")])
    with pytest.raises(ValueError, match="a bug"):
        with_retries(call, sleep=time.sleep)
    assert len(calls) == 1


def test_retries_stop_after_the_attempts_and_cap_the_wait() -> None:
    time = FakeTime()
    call, calls = failing([RateLimited("x", retry_after=10_000.0)] * 5)
    with pytest.raises(RateLimited):
        with_retries(call, attempts=3, max_wait=120, sleep=time.sleep)
    assert len(calls) == 3
    assert time.sleeps == [120, 120]


def test_the_budget_never_exceeds_its_units_in_any_window() -> None:
    time = FakeTime()
    budget = RateBudget(15_000, 60, clock=time.clock, sleep=time.sleep)
    moments = []
    for _ in range(6_000):  # 30,000 units of messages.get: two windows' worth
        budget.spend(5)
        moments.append(time.now)
    assert moments[2_999] == 0.0  # the first 15,000 units go at once
    assert moments[3_000] == pytest.approx(60.0)
    for index in range(3_000, 6_000):
        assert moments[index] - moments[index - 3_000] >= 60.0 - 1e-9
    with pytest.raises(ValueError, match="never fit"):
        budget.spend(20_000)


def test_a_429_closes_the_budget_until_retry_after() -> None:
    time = FakeTime()
    budget = RateBudget(100, 60, clock=time.clock, sleep=time.sleep)
    budget.spend(1)
    budget.close_until(30)
    waited = budget.spend(1)
    assert waited == pytest.approx(30)
    assert time.now == pytest.approx(30)
