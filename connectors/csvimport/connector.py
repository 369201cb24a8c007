"""The CSV importer as a connector: one stream of rows, paged by byte offset.

Its "account" is one file; its cursor is the byte offset and line number after the
last record handed out, so an import can stop after any committed page and go on
from there. Rows it cannot read (ragged, undecodable) are handed back as skipped,
with their line and the reason; the framework reports them and imports the rest.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from marshmallow import Schema, fields, validate

from connectors.base import Connector, Cursor, Page, SkippedItem, SourceItem, Stream
from connectors.csvimport.dialect import DELIMITERS
from connectors.csvimport.encoding import LABELS
from connectors.csvimport.layout import Layout, read_layout
from connectors.csvimport.reader import RawRow, read_rows, row_problem

PAGE_SIZE = 500


class CsvSettings(Schema):
    path = fields.String(required=True, validate=validate.Length(min=1))
    delimiter = fields.String(
        load_default=None, allow_none=True, validate=validate.OneOf(DELIMITERS)
    )
    encoding = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(LABELS))
    page_size = fields.Integer(load_default=PAGE_SIZE, validate=validate.Range(1, 10_000))


class CsvImportConnector(Connector):
    """Customers from a CSV file, one per row."""

    kind = "csvimport"
    display_name = "CSV import"
    auth_kind = "none"
    settings_schema = CsvSettings

    def __init__(self, settings: dict[str, Any]) -> None:
        super().__init__(settings)
        self.path = Path(self.settings["path"])
        self._layout: Layout | None = None

    def layout(self) -> Layout:
        """Encoding, delimiter and header, read once; CsvFileError when unusable."""
        if self._layout is None:
            self._layout = read_layout(
                self.path, self.settings["encoding"], self.settings["delimiter"]
            )
        return self._layout

    def count_rows(self) -> int:
        """Records after the header, blank ones left out: the total shown by progress."""
        layout = self.layout()
        rows = read_rows(self.path, layout.encoding.codec, layout.delimiter, layout.data_offset, 0)
        return sum(1 for row in rows if not row.blank)

    def _fetch_rows(self, cursor: Cursor | None) -> Page:
        layout = self.layout()
        offset, line = _position(cursor, layout)
        items: list[SourceItem] = []
        skipped: list[SkippedItem] = []
        last: RawRow | None = None
        rows = read_rows(self.path, layout.encoding.codec, layout.delimiter, offset, line)
        try:
            for row in rows:
                last = row
                if not row.blank:
                    self._sort(row, layout, items, skipped)
                if len(items) + len(skipped) >= self.settings["page_size"]:
                    return Page(tuple(items), _cursor(last), tuple(skipped))
        finally:
            rows.close()
        return Page(tuple(items), None, tuple(skipped))

    def _sort(
        self, row: RawRow, layout: Layout, items: list[SourceItem], skipped: list[SkippedItem]
    ) -> None:
        """A readable row becomes an item; any other is skipped with its reason."""
        problem = row_problem(row, layout.header, layout.encoding.label)
        if problem is not None:
            span = f" (the row runs over {row.where()})" if row.last_line > row.first_line else ""
            skipped.append(SkippedItem(row.first_line, problem + span))
            return
        payload = {
            name: value for name, value in zip(layout.header, row.values, strict=False) if name
        }
        items.append(SourceItem(payload, None, row.first_line))

    streams = (Stream("rows", "customer", "offset", _fetch_rows),)


def _position(cursor: Cursor | None, layout: Layout) -> tuple[int, int]:
    if cursor is None:
        return layout.data_offset, layout.data_line
    return int(cursor["offset"]), int(cursor["line"])


def _cursor(row: RawRow) -> Cursor:
    return {"offset": row.end, "line": row.last_line}
