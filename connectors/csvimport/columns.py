"""The header seen through the mapping: which columns it reads, and which it ignores.

A first row in which the mapping reads no column at all is not a header (a file
exported without one starts with data): the import stops there rather than read every
row as nothing. Columns the mapping does not read are reported, not fatal.

With the shipped mapping, headers are matched loosely ("Email", "Job Title" and
"postal-code" read as email, job_title and postal_code); a custom mapping names its
columns exactly as the file does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from connectors.csvimport.errors import CsvFileError
from mapping import CompiledMapping
from mapping.paths import Key
from mapping.rules import Rule

_SEPARATORS = re.compile(r"[\s\-]+")
_EXAMPLES = ("given_name", "family_name", "full_name", "email", "phone", "company")


@dataclass(frozen=True, slots=True)
class Columns:
    rename: dict[str, str]  # header as written -> the key the mapping reads
    unknown: tuple[str, ...]  # named columns the mapping does not read


def match_columns(header: tuple[str, ...], mapping: CompiledMapping, *, loose: bool) -> Columns:
    """How the header meets the mapping; CsvFileError when the mapping reads none of it."""
    names = [name for name in header if name]
    read = columns_read(mapping)
    if read is None:
        return Columns({name: name for name in names}, ())
    rename = {name: _loose(name) if loose and _loose(name) in read else name for name in names}
    unknown = tuple(name for name in names if rename[name] not in read)
    if len(unknown) == len(names):
        expected = ", ".join(sorted(read)[:8] if not loose else _EXAMPLES)
        raise CsvFileError(
            f"the first row is not a header the mapping can read: none of its "
            f"{len(names)} column(s) is one the mapping reads (such as {expected}); "
            "add a header row, or give a mapping for these columns"
        )
    return Columns(rename, unknown)


def columns_read(mapping: CompiledMapping) -> set[str] | None:
    """Top-level keys the mapping reads; None when a rule reads the whole row ("@")."""
    read: set[str] = set()
    for rule in mapping.plan.rules:
        if not isinstance(rule, Rule):
            continue
        for path in rule.source.paths:
            if not path.steps:
                return None
            if isinstance(path.steps[0], Key):
                read.add(path.steps[0].name)
    return read


def _loose(name: str) -> str:
    return _SEPARATORS.sub("_", name.strip().lower())
