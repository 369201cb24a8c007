"""Work computed one step ahead in a child process, handed back in order.

A bulk import spends about two fifths of its time mapping and normalizing records,
work that needs no database, and the rest resolving and writing them, which SQLite
does one transaction at a time anyway. Preparing batch N+1 in a second process while
batch N is written puts the second core to use without a second writer.

The state (a compiled mapping, options) reaches the children by fork, so it need not
be picklable; the items and results travel by pickle. Where fork is not available, or
``workers`` is 0, everything runs in the calling process, in the same order.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

State = TypeVar("State")
Item = TypeVar("Item")
Result = TypeVar("Result")

_child: dict[str, Any] = {}  # in a child: the caller's state, set once when it starts


def can_work_ahead() -> bool:
    """Whether child processes can be forked here (Linux and the BSDs, not Windows)."""
    return "fork" in multiprocessing.get_all_start_methods()


def computed_ahead(
    function: Callable[[State, Item], Result],
    state: State,
    items: Iterable[Item],
    workers: int,
) -> Iterator[tuple[Item, Result]]:
    """``(item, function(state, item))`` for each item, in the items' order.

    With ``workers`` ≥ 1, up to ``workers + 1`` items are being computed in child
    processes while the caller works on the previous result. ``function`` must be a
    module-level function. An exception raised by it reaches the caller from the
    item it failed on; stopping early cancels what was not started and stops the
    children.
    """
    if workers < 1 or not can_work_ahead():
        for item in items:
            yield item, function(state, item)
        return
    pool = ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_install,
        initargs=(state,),
    )
    try:
        waiting: deque[tuple[Item, Future[Result]]] = deque()
        for item in items:
            waiting.append((item, pool.submit(_call, function, item)))
            if len(waiting) > workers:
                first, future = waiting.popleft()
                yield first, future.result()
        while waiting:
            first, future = waiting.popleft()
            yield first, future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _install(state: Any) -> None:
    _child["state"] = state


def _call(function: Callable[[Any, Any], Any], item: Any) -> Any:
    return function(_child["state"], item)
