"""The one error that stops a whole CSV import: the file itself cannot be used.

Problems with single rows are never raised: they are reported with their line number
and the other rows go on.
"""

from __future__ import annotations


class CsvFileError(ValueError):
    """The file cannot be imported at all (unreadable, no header, duplicate columns …)."""
