"""CSV records read from a byte offset, each with the lines it spans.

Lines are read as bytes and decoded one by one (a newline never sits inside a UTF-8 or
Windows-1252 character), so the reader knows the exact byte offset after every record:
that offset is the stream's cursor, and a page can start anywhere without re-reading
what came before. Bytes that do not decode are kept as surrogate escapes, so the row
holding them can be refused by name instead of being silently altered.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from connectors.csvimport.encoding import undecodable


@dataclass(frozen=True, slots=True)
class RawRow:
    """One record: its first and last line, its values (or why csv could not read it)."""

    first_line: int
    last_line: int
    values: list[str]
    error: str | None
    end: int  # byte offset just after the record

    @property
    def blank(self) -> bool:
        """An empty line, or a row of empty cells (what spreadsheets leave at the end)."""
        return self.error is None and not any(value.strip() for value in self.values)

    def where(self) -> str:
        if self.last_line > self.first_line:
            return f"lines {self.first_line}-{self.last_line}"
        return f"line {self.first_line}"


class _Lines:
    """Decoded lines of a binary file, counting the bytes and lines handed out."""

    def __init__(self, handle: BinaryIO, codec: str, line: int) -> None:
        self._handle = handle
        self._codec = codec
        self.offset = handle.tell()
        self.line = line

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        raw = self._handle.readline()
        if not raw:
            raise StopIteration
        self.offset += len(raw)
        self.line += 1
        return raw.decode(self._codec, "surrogateescape")


def read_rows(path: Path, codec: str, delimiter: str, offset: int, line: int) -> Iterator[RawRow]:
    """Records from ``offset``; ``line`` is the number of the line just before it."""
    with path.open("rb") as handle:
        handle.seek(offset)
        lines = _Lines(handle, codec, line)
        # strict: a quote still open at the end of the file is an error, not a last
        # field that silently swallowed every line after it
        reader = csv.reader(lines, delimiter=delimiter, quotechar='"', strict=True)
        while True:
            first = lines.line + 1
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield RawRow(first, lines.line, [], str(exc), lines.offset)
                continue
            yield RawRow(first, lines.line, values, None, lines.offset)


def row_problem(row: RawRow, header: tuple[str, ...], encoding_label: str) -> str | None:
    """Why a record cannot be imported as it stands, or None when it can."""
    if row.error is not None:
        note = "; is a quote left open?" if row.last_line > row.first_line else ""
        return f"cannot be read as CSV: {row.error}{note}"
    for name, value in zip(header, row.values, strict=False):
        if undecodable(value):
            return f"column {name or '(unnamed)'!r} holds bytes that are not {encoding_label}"
    width, count = len(header), len(row.values)
    extra = row.values[width:]
    if count < width or any(value.strip() for value in extra):
        note = "; is a quote left open?" if row.last_line > row.first_line else ""
        return f"{count} values but the header has {width} columns{note}"
    if any(undecodable(value) for value in extra):
        return f"holds bytes that are not {encoding_label}"
    return None
