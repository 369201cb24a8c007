"""How many records hold a common key, remembered per process for a minute.

Counting a key's holders reads every index entry of that key, so a value half the
store shares (a big city, a common first name) cost more to count than everything
else a resolve does, and grew with the store: at 100,000 records a resolve counted
about 9,000 entries, at a million it would count ten times more. A common value's
count moves slowly, and what it is used for (the value's share of records, for the
u-probability, and "too common to block on") barely changes when it is a minute old,
so the share of records holding a value counted at least ``COMMON_COUNT`` times is kept
for ``TTL_SECONDS`` and scaled to the store's current size: during a bulk import the
store grows by a fifth in a minute, and a remembered count would have made common
values look rarer (and agreeing on them weigh more) than they are. Rare values, whose
exact count matters (a shared key's demotion, a small block), are always counted.

The shares the store's periodic count keeps (``common_keys``) are read into the same
cache every ``TABLE_SECONDS``, so a key that table knows is never counted by a resolve
at all; a fresh count (of a key that became common since) wins over the table's.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from weakref import WeakKeyDictionary

from sqlalchemy import Engine
from sqlalchemy.orm import Session

COMMON_COUNT = 500
TTL_SECONDS = 60.0
TABLE_SECONDS = 300.0


class CommonCounts:
    """Shares of common keys for one database: counted ones until ``ttl`` seconds old,
    the store's table of them re-read every ``table_ttl`` seconds."""

    def __init__(
        self,
        *,
        common: int = COMMON_COUNT,
        ttl: float = TTL_SECONDS,
        table_ttl: float = TABLE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.common = common
        self.ttl = ttl
        self.table_ttl = table_ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._shares: dict[str, tuple[float, float]] = {}  # key -> (share, counted at)
        self._table: dict[str, float] = {}  # key -> share, from the store's common keys
        self._table_read_at: float | None = None

    def table_due(self) -> bool:
        """Whether the store's table of common keys should be read (again)."""
        with self._lock:
            read_at = self._table_read_at
        return read_at is None or self._clock() - read_at >= self.table_ttl

    def use_table(self, shares: dict[str, float]) -> None:
        """Take the shares the store's periodic count found, in place of the last ones."""
        with self._lock:
            self._table = shares
            self._table_read_at = self._clock()

    def known(self, keys: Iterable[str], total: int) -> dict[str, int]:
        """Estimated counts of the keys known to be common, for ``total`` records."""
        now = self._clock()
        found: dict[str, int] = {}
        with self._lock:
            for key in keys:
                entry = self._shares.get(key)
                if entry is not None and now - entry[1] < self.ttl:
                    share: float | None = entry[0]
                else:
                    share = self._table.get(key)
                if share is not None:
                    found[key] = max(self.common, round(share * total))
        return found

    def remember(self, counts: dict[str, int], total: int) -> None:
        """Keep the share of the common ones among ``total`` records."""
        now = self._clock()
        with self._lock:
            for key, count in counts.items():
                if count >= self.common and total > 0:
                    self._shares[key] = (count / total, now)


_per_database: WeakKeyDictionary[Engine, CommonCounts] = WeakKeyDictionary()
_registry_lock = threading.Lock()


def common_counts(session: Session) -> CommonCounts:
    """The cache of the session's database (a new engine, a new cache: tests stay apart)."""
    bind = session.get_bind()
    engine: Engine = getattr(bind, "engine", bind)
    with _registry_lock:
        cache = _per_database.get(engine)
        if cache is None:
            cache = _per_database[engine] = CommonCounts()
        return cache
