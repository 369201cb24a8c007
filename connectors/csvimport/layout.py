"""The shape of a CSV file: encoding, delimiter, header, and where the data starts.

The header is checked here for what makes a file unusable whatever the mapping: no
header at all, a header that cannot be decoded, and a column named twice (which value
would be meant?). Columns without a name are kept out of every record.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from connectors.csvimport.dialect import sniff_delimiter
from connectors.csvimport.encoding import Encoding, detect_encoding, forced, undecodable
from connectors.csvimport.errors import CsvFileError
from connectors.csvimport.reader import RawRow, read_rows

_SAMPLE_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class Layout:
    encoding: Encoding
    delimiter: str
    header: tuple[str, ...]  # as written, without surrounding spaces
    data_offset: int  # byte offset of the first record after the header
    data_line: int  # number of the header's last line

    @property
    def named_columns(self) -> tuple[str, ...]:
        return tuple(name for name in self.header if name)


def read_layout(path: Path, codec: str | None = None, delimiter: str | None = None) -> Layout:
    """Detect what is not forced, read and check the header; CsvFileError if unusable."""
    encoding = detect_encoding(path)
    if codec is not None:
        encoding = forced(codec, encoding)
    delimiter = delimiter or sniff_delimiter(_sample(path, encoding))
    row = _header_row(path, encoding, delimiter)
    header = tuple(value.strip() for value in row.values)
    _check_header(header, encoding)
    return Layout(encoding, delimiter, header, row.end, row.last_line)


def _sample(path: Path, encoding: Encoding) -> str:
    with path.open("rb") as handle:
        handle.seek(encoding.bom)
        return handle.read(_SAMPLE_BYTES).decode(encoding.codec, "surrogateescape")


def _header_row(path: Path, encoding: Encoding, delimiter: str) -> RawRow:
    for row in read_rows(path, encoding.codec, delimiter, encoding.bom, 0):
        if row.error is not None:
            raise CsvFileError(f"{row.where()}: the header row cannot be read: {row.error}")
        if not row.blank:
            return row
    raise CsvFileError("the file is empty: there is no header row")


def _check_header(header: tuple[str, ...], encoding: Encoding) -> None:
    if any(undecodable(name) for name in header):
        raise CsvFileError(f"the header row holds bytes that are not {encoding.label}")
    seen: dict[str, int] = {}
    for position, name in enumerate(header, start=1):
        if not name:
            continue
        key = name.casefold()
        if key in seen:
            raise CsvFileError(
                f"the header names the column {name!r} twice (columns {seen[key]} and "
                f"{position}); rename one of them"
            )
        seen[key] = position
