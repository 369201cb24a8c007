"""Which encoding a CSV file is in, decided once for the whole file before any row is read.

The rule, chosen so that a wrong guess never corrupts data:

- a UTF-8 byte-order mark means UTF-8;
- a UTF-16/32 byte-order mark, or NUL bytes, stop the import (those files are not text
  the reader understands; the message says to save the file as "CSV UTF-8");
- otherwise the bytes are scanned: a file that is valid UTF-8 is UTF-8; a file with
  more valid multi-byte UTF-8 sequences than invalid bytes is UTF-8 with a few damaged
  rows; anything else is Windows-1252, which reads Latin-1 files the same way for
  every printable character.

Bytes that do not decode in the chosen encoding are never replaced or guessed: the
rows holding them are refused, with their line, and every other row imports.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from connectors.csvimport.errors import CsvFileError

UTF8_BOM = codecs.BOM_UTF8
_WIDE_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_CP1252_UNDEFINED = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")
_UNDECODED = re.compile("[\udc80-\udcff]")
_CHUNK = 1 << 20
LABELS = {"utf-8": "UTF-8", "cp1252": "Windows-1252 / Latin-1"}
_NUL_BYTES = "the file holds NUL bytes (it is binary, or UTF-16 without a byte-order mark)"
_SAVE_AS = 'save it from the spreadsheet as "CSV UTF-8" and import it again'


@dataclass(frozen=True, slots=True)
class Encoding:
    """The file's encoding, how many BOM bytes to skip, and how it was decided."""

    codec: str  # "utf-8" or "cp1252"
    bom: int
    label: str  # for people: "UTF-8 with BOM", "Windows-1252 / Latin-1"
    undecodable: int = 0  # bytes that do not decode: their rows are refused


def detect_encoding(path: Path) -> Encoding:
    """Decide the encoding of the whole file; CsvFileError when it is not readable text."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4)
            if head.startswith(UTF8_BOM):
                handle.seek(len(UTF8_BOM))
                return _with_bom(_scan(handle))
            if any(head.startswith(bom) for bom in _WIDE_BOMS):
                raise CsvFileError(f"the file is UTF-16 or UTF-32; {_SAVE_AS}")
            handle.seek(0)
            return _decide(_scan(handle))
    except OSError as exc:
        raise CsvFileError(f"cannot read the file: {exc.strerror or exc}") from None


@dataclass
class _Scan:
    invalid_utf8: int = 0
    multibyte_utf8: int = 0
    cp1252_undefined: int = 0


def _scan(handle: BinaryIO) -> _Scan:
    """Count, in one pass, what the encoding decision needs."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="surrogateescape")
    scan = _Scan()
    while chunk := handle.read(_CHUNK):
        if b"\x00" in chunk:
            raise CsvFileError(f"{_NUL_BYTES}; {_SAVE_AS}")
        _count(scan, chunk, decoder.decode(chunk))
    _count(scan, b"", decoder.decode(b"", final=True))
    return scan


def _count(scan: _Scan, chunk: bytes, text: str) -> None:
    if chunk.isascii() and text.isascii():
        return
    invalid = len(_UNDECODED.findall(text))
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    scan.invalid_utf8 += invalid
    scan.multibyte_utf8 += non_ascii - invalid
    scan.cp1252_undefined += sum(chunk.count(byte) for byte in _CP1252_UNDEFINED)


def _with_bom(scan: _Scan) -> Encoding:
    return Encoding("utf-8", len(UTF8_BOM), "UTF-8 with BOM", scan.invalid_utf8)


def _decide(scan: _Scan) -> Encoding:
    if scan.invalid_utf8 == 0:
        return Encoding("utf-8", 0, "UTF-8")
    if scan.multibyte_utf8 > scan.invalid_utf8:
        return Encoding("utf-8", 0, "UTF-8 (with damaged rows)", scan.invalid_utf8)
    return Encoding("cp1252", 0, LABELS["cp1252"], scan.cp1252_undefined)


def forced(codec: str, detected: Encoding) -> Encoding:
    """The encoding an admin chose instead of the detected one (a UTF-8 BOM is still skipped)."""
    if codec == detected.codec:
        return detected
    return Encoding(codec, detected.bom if codec == "utf-8" else 0, LABELS[codec])


def undecodable(text: str) -> bool:
    """True when decoded text still holds bytes its encoding could not read."""
    return _UNDECODED.search(text) is not None
