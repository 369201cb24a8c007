"""Encoding detection: one decision per file, and nothing ever silently altered."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from connectors.base import read_pages
from connectors.csvimport import CsvFileError, CsvImportConnector
from connectors.csvimport.encoding import detect_encoding
from tests.connectors.csvimport.files import write

TEXT = "given_name,city\nJosé,Köln\nZoë,Málaga\n"


def _rows(path: Path) -> tuple[list[dict[str, str]], list[tuple[int | None, str]]]:
    connector = CsvImportConnector({"path": str(path)})
    items, skipped = [], []
    for page in read_pages(connector, "rows"):
        items += [item.payload for item in page.items]
        skipped += [(item.position, item.reason) for item in page.skipped]
    return items, skipped


def test_utf8_without_bom(tmp_path: Path) -> None:
    path = write(tmp_path, TEXT)
    assert detect_encoding(path).label == "UTF-8"
    items, skipped = _rows(path)
    assert items == [
        {"given_name": "José", "city": "Köln"},
        {"given_name": "Zoë", "city": "Málaga"},
    ]
    assert skipped == []


def test_utf8_with_bom_keeps_the_first_column_name_clean(tmp_path: Path) -> None:
    path = write(tmp_path, codecs.BOM_UTF8 + TEXT.encode("utf-8"))
    encoding = detect_encoding(path)
    assert (encoding.codec, encoding.bom, encoding.label) == ("utf-8", 3, "UTF-8 with BOM")
    items, _ = _rows(path)
    assert items[0] == {"given_name": "José", "city": "Köln"}


@pytest.mark.parametrize("codec", ["cp1252", "latin-1"])
def test_windows_1252_and_latin1_files_read_their_accents(tmp_path: Path, codec: str) -> None:
    path = write(tmp_path, TEXT.encode(codec))
    assert detect_encoding(path).codec == "cp1252"
    items, skipped = _rows(path)
    assert items[1] == {"given_name": "Zoë", "city": "Málaga"}
    assert skipped == []


def test_windows_1252_only_characters(tmp_path: Path) -> None:
    company = "\u201cQuotes\u201d Ltd \u2013 \u20ac"  # curly quotes, en dash, euro sign
    path = write(tmp_path, f"given_name,company\nJosé,{company}\n".encode("cp1252"))
    items, _ = _rows(path)
    assert items == [{"given_name": "José", "company": company}]


def test_a_damaged_row_in_a_utf8_file_is_refused_and_the_others_import(tmp_path: Path) -> None:
    content = TEXT.encode("utf-8") + "Renée,Nîmes\n".encode("cp1252") + "Åsa,Malmö\n".encode()
    path = write(tmp_path, content)
    encoding = detect_encoding(path)
    assert (encoding.codec, encoding.undecodable) == ("utf-8", 2)
    items, skipped = _rows(path)
    assert [item["given_name"] for item in items] == ["José", "Zoë", "Åsa"]
    assert skipped == [
        (4, "column 'given_name' holds bytes that are not UTF-8 (with damaged rows)")
    ]


def test_bytes_undefined_in_windows_1252_refuse_their_row(tmp_path: Path) -> None:
    path = write(tmp_path, b"given_name,city\nJos\xe9,K\xf6ln\nZo\x81e,Paris\n")
    items, skipped = _rows(path)
    assert items == [{"given_name": "José", "city": "Köln"}]
    assert skipped[0][0] == 3
    assert "not Windows-1252 / Latin-1" in skipped[0][1]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "UTF-16 or UTF-32"),
        (TEXT.encode("utf-16-le"), "NUL bytes"),
    ],
)
def test_wide_encodings_stop_the_import(tmp_path: Path, content: bytes, message: str) -> None:
    path = write(tmp_path, content)
    with pytest.raises(CsvFileError, match=message) as raised:
        detect_encoding(path)
    assert "CSV UTF-8" in str(raised.value)


def test_an_encoding_chosen_by_the_admin_wins(tmp_path: Path) -> None:
    path = write(tmp_path, "given_name\nJosé\n")
    connector = CsvImportConnector({"path": str(path), "encoding": "cp1252"})
    page = connector.fetch_page("rows", None)
    assert page.items[0].payload == {"given_name": "JosÃ©"}
    assert connector.layout().encoding.label == "Windows-1252 / Latin-1"
