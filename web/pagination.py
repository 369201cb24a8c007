"""Page arithmetic shared by every paginated listing."""

from __future__ import annotations

from math import ceil


class Paged:
    """Mixin for a listing that knows its ``page``, ``per_page`` and ``total``."""

    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


MAX_PAGE = 1_000_000  # beyond any real listing, and far inside a 64-bit SQL offset


def requested_page(raw: int | None) -> int | None:
    """The ``page`` a request asked for, or None (a 404) when it cannot exist.

    Huge numbers are refused here rather than turned into offsets that overflow
    SQLite's integers.
    """
    page = 1 if raw is None else raw
    return page if 1 <= page <= MAX_PAGE else None
