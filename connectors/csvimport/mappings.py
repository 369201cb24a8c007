"""The mapping an import uses: the shipped one, or the admin's document checked whole.

A custom mapping is compiled before the file is opened, so a bad one is refused with
every problem (field and reason) and nothing is read or imported.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mapping import CompiledMapping, InvalidMapping, MappingError, compile_mapping
from mapping import load_default_mapping as _shipped


def load_mapping(document: dict[str, Any] | str | None) -> tuple[CompiledMapping, bool]:
    """(mapping, whether it is the shipped default); InvalidMapping when unusable."""
    if document is None:
        return _shipped("csvimport", "customer"), True
    mapping = compile_mapping(document)
    if mapping.target != "customer":
        problem = f"a CSV import needs a customer mapping, not {mapping.target!r}"
        raise InvalidMapping([MappingError("target", problem)])
    return mapping, False


def read_mapping_file(path: Path) -> str:
    """The text of a JSON or YAML mapping file; InvalidMapping when it cannot be read."""
    try:
        return path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise InvalidMapping([MappingError("", f"cannot read {path}: {reason}")]) from None
