"""Problems found in a mapping document, and problems met while applying one.

Errors are about the document (it is refused whole); warnings are about one record
(the field is left out, the rest of the record is kept). Both name where the problem
is, in words an admin can act on, and never quote payload values (personal data).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class MappingError:
    """One problem in a mapping document; ``where`` points into it, e.g. ``fields.phones``."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class InvalidMapping(ValueError):
    """A mapping document that cannot be used; carries every problem found, not the first."""

    def __init__(self, errors: list[MappingError] | tuple[MappingError, ...]) -> None:
        self.errors: tuple[MappingError, ...] = tuple(errors)
        lines = "\n".join(f"  - {error}" for error in self.errors)
        super().__init__(f"the mapping has {len(self.errors)} problem(s):\n{lines}")


@dataclass(frozen=True, slots=True)
class MappingWarning:
    """A field left out of one record, and why.

    ``code`` lets callers sort warnings: ``missing`` (the payload has no value there),
    ``bad_value`` (a transform could not read it), ``invalid`` (the canonical schema
    refused it), ``missing_required`` (the record lacks a field it must have).
    """

    field: str
    message: str
    code: str = "bad_value"

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class TransformFailed(ValueError):
    """Raised by a transform for a value it cannot read; becomes a warning, never a crash."""
