"""Delimiters, headers, ragged rows, line numbers and the stream's cursor."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from marshmallow import ValidationError

from connectors.base import Connector, Page, RepeatedCursor, Stream, read_pages
from connectors.csvimport import CsvFileError, CsvImportConnector
from connectors.csvimport.dialect import sniff_delimiter
from connectors.registry import connector_class, kinds
from tests.connectors.csvimport.files import write


@pytest.mark.parametrize(
    ("sample", "delimiter"),
    [
        ("given_name,family_name\nAnn,Lee\n", ","),
        ('given_name;company\nAnn;"Lee, Smith & Co"\nBob;"A, B, C"\n', ";"),
        ("given_name\tcompany\nAnn\tAcme, Inc.\n", "\t"),
        ("email\nann@example.com\n", ","),
        ('tags,email\n"a; b; c",x@example.com\n"d; e",y@example.com\n', ","),
    ],
)
def test_the_delimiter_is_sniffed(sample: str, delimiter: str) -> None:
    assert sniff_delimiter(sample) == delimiter


def _read(path: Path, page_size: int = 500) -> tuple[list, list]:
    connector = CsvImportConnector({"path": str(path), "page_size": page_size})
    items, skipped = [], []
    for page in read_pages(connector, "rows"):
        items += list(page.items)
        skipped += [(item.position, item.reason) for item in page.skipped]
    return items, skipped


def test_ragged_rows_are_skipped_with_line_and_reason(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "given_name,family_name,email\n"
        "Ann,Lee,ann@example.com\n"
        "Bob,Smith\n"
        "Cy,Young,cy@example.com,extra\n"
        "Di,Ross,di@example.com,,\n",
    )
    items, skipped = _read(path)
    assert [item.position for item in items] == [2, 5]
    assert items[1].payload == {
        "given_name": "Di",
        "family_name": "Ross",
        "email": "di@example.com",
    }
    assert skipped == [
        (3, "2 values but the header has 3 columns"),
        (4, "4 values but the header has 3 columns"),
    ]


def test_line_numbers_count_quoted_newlines_and_blank_lines(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'given_name,street\r\nAnn,"1 High St\r\nFlat 2"\r\n\r\n,\r\nBob,"Main St"\r\nCy\r\n',
    )
    items, skipped = _read(path)
    assert [(item.position, item.payload["street"]) for item in items] == [
        (2, "1 High St\r\nFlat 2"),
        (6, "Main St"),
    ]
    assert skipped == [(7, "1 values but the header has 2 columns")]


def test_an_unclosed_quote_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, 'given_name,city\nAnn,"London\nBob,Leeds\nCy,York\n')
    items, skipped = _read(path)
    assert items == []
    assert skipped == [
        (
            2,
            "cannot be read as CSV: unexpected end of data; is a quote left open? "
            "(the row runs over lines 2-4)",
        )
    ]


def test_pages_resume_from_their_cursor(tmp_path: Path) -> None:
    rows = "".join(f"Person{n},p{n}@example.com\n" for n in range(7))
    path = write(tmp_path, "given_name,email\n" + rows)
    connector = CsvImportConnector({"path": str(path), "page_size": 3})
    first = connector.fetch_page("rows", None)
    assert [item.position for item in first.items] == [2, 3, 4]
    assert first.next_cursor is not None
    fresh = CsvImportConnector({"path": str(path), "page_size": 3})
    second = fresh.fetch_page("rows", first.next_cursor)
    assert [item.payload["given_name"] for item in second.items] == [
        "Person3",
        "Person4",
        "Person5",
    ]
    items, _ = _read(path, page_size=3)
    assert len(items) == 7
    assert connector.count_rows() == 7


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the file is empty: there is no header row"),
        ("\n\n", "the file is empty: there is no header row"),
        ("email,Email\nx@example.com,y@example.com\n", "'Email' twice (columns 1 and 2)"),
    ],
)
def test_unusable_headers_stop_the_import(tmp_path: Path, content: str, message: str) -> None:
    connector = CsvImportConnector({"path": str(write(tmp_path, content))})
    with pytest.raises(CsvFileError, match=re.escape(message)):
        connector.layout()


def test_a_missing_file_is_a_file_error(tmp_path: Path) -> None:
    connector = CsvImportConnector({"path": str(tmp_path / "nowhere.csv")})
    with pytest.raises(CsvFileError, match="cannot read the file"):
        connector.layout()


def test_columns_without_a_name_are_left_out(tmp_path: Path) -> None:
    items, skipped = _read(write(tmp_path, "given_name,,email\nAnn,note,ann@example.com\n"))
    assert items[0].payload == {"given_name": "Ann", "email": "ann@example.com"}
    assert skipped == []


def test_the_connector_declares_itself() -> None:
    assert connector_class("csvimport") is CsvImportConnector
    assert "csvimport" in kinds()
    stream = CsvImportConnector.stream("rows")
    assert (stream.yields, stream.cursor_kind) == ("customer", "offset")
    assert CsvImportConnector.auth_kind == "none"
    assert CsvImportConnector.secret_fields() == ()
    with pytest.raises(LookupError, match="unknown connector kind 'nope'"):
        connector_class("nope")


def test_settings_are_validated() -> None:
    with pytest.raises(ValidationError) as raised:
        CsvImportConnector({"path": "x.csv", "delimiter": "|", "page_size": 0})
    assert set(raised.value.messages) == {"delimiter", "page_size"}


def test_a_stream_repeating_its_cursor_is_stopped() -> None:
    class Looping(Connector):
        kind = "looping"

        def _fetch(self, cursor: dict | None) -> Page:
            return Page((), {"at": 1})

        streams = (Stream("things", "activity", "timestamp", _fetch),)

        def __init__(self) -> None:
            self.settings = {}

    pages = read_pages(Looping(), "things")
    next(pages)
    next(pages)
    with pytest.raises(RepeatedCursor):
        next(pages)
