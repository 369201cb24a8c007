"""Progress bars for long commands: tqdm on stderr, so stdout stays the report.

tqdm shows the count, the rate and the time left; on stderr the bar never mixes with
what a script pipes from stdout.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from tqdm import tqdm

Update = Callable[[int, int], None]


@contextmanager
def progress_bar(description: str, unit: str) -> Iterator[Update]:
    """A callback ``update(done, total)`` that moves a bar, closed when the block ends.

    The bar appears at the first update, when the total is known, so it never shows
    a count without a total first.
    """
    bars: list[tqdm] = []

    def update(done: int, total: int) -> None:
        if not bars:
            bars.append(_bar(description, unit, total))
        bar = bars[0]
        if bar.total != total:
            bar.total = total
            bar.refresh()
        bar.update(done - bar.n)

    try:
        yield update
    finally:
        for bar in bars:
            bar.close()


def _bar(description: str, unit: str, total: int) -> tqdm:
    return tqdm(
        desc=description,
        total=total,
        unit=f" {unit}",
        file=sys.stderr,
        dynamic_ncols=True,
        mininterval=0.5,
        smoothing=0.1,
    )
