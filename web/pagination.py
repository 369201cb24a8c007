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
