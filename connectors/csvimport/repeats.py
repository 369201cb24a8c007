"""External ids a file repeats: the later row updates the earlier one, so say so.

Both rows import, in file order, so the later row's values are the ones kept, the
same as importing the two rows as two files one after the other. The report names
both lines so the owner of the file can see which of the two was meant.

Ids are remembered by a 64-bit digest with their first line, not as text: a file of a
million rows costs tens of megabytes, and a false report would need a collision of
two 64-bit digests.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator

from connectors.csvimport.report import RepeatedId
from connectors.csvimport.rows import PreparedRow


class RepeatFinder:
    """The first line of every external id seen so far in one file."""

    def __init__(self) -> None:
        self._first_lines: dict[int, int] = {}

    def repeats(self, rows: Iterable[PreparedRow]) -> Iterator[RepeatedId]:
        """The rows, in the order given, whose id an earlier row already had."""
        for row in rows:
            digest = _digest(row.external_id)
            first = self._first_lines.setdefault(digest, row.line)
            if first != row.line:
                yield RepeatedId(row.line, first, row.external_id, row.content_id)


def _digest(external_id: str) -> int:
    data = external_id.encode("utf-8", "surrogatepass")
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big")
