"""computed_ahead: results in order, computed in a forked child, failures and early stops clean."""

from __future__ import annotations

import multiprocessing
import os

import pytest

from core.ahead import computed_ahead


class Unpicklable:
    """State that could not travel by pickle: it must reach the child by fork."""

    def __init__(self, factor: int) -> None:
        self.factor = factor
        self.scale = lambda value: value * factor

    def __reduce__(self) -> None:  # type: ignore[override]
        raise TypeError("this state does not pickle")


def scaled_with_pid(state: Unpicklable, item: int) -> tuple[int, int]:
    return state.scale(item), os.getpid()


def refuse_three(state: Unpicklable, item: int) -> int:
    if item == 3:
        raise ValueError(f"item {item} refused")
    return state.scale(item)


def test_results_come_back_in_order_from_a_child_process() -> None:
    results = list(computed_ahead(scaled_with_pid, Unpicklable(10), range(7), workers=1))
    assert [item for item, _ in results] == list(range(7))
    assert [value for _, (value, _) in results] == [0, 10, 20, 30, 40, 50, 60]
    pids = {pid for _, (_, pid) in results}
    assert len(pids) == 1
    assert os.getpid() not in pids
    assert multiprocessing.active_children() == []


def test_without_workers_everything_runs_here() -> None:
    results = list(computed_ahead(scaled_with_pid, Unpicklable(2), [1, 2], workers=0))
    assert results == [(1, (2, os.getpid())), (2, (4, os.getpid()))]


def test_a_failure_reaches_the_caller_at_its_item_and_the_children_stop() -> None:
    results = computed_ahead(refuse_three, Unpicklable(1), range(6), workers=1)
    seen = [next(results), next(results), next(results)]
    with pytest.raises(ValueError, match="item 3 refused"):
        next(results)
    assert seen == [(0, 0), (1, 1), (2, 2)]
    assert multiprocessing.active_children() == []


def test_stopping_early_stops_the_children() -> None:
    results = computed_ahead(scaled_with_pid, Unpicklable(1), range(1000), workers=1)
    assert next(results)[0] == 0
    assert multiprocessing.active_children() != []
    results.close()
    assert multiprocessing.active_children() == []
