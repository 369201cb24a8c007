"""The mapping language's entry points: compile a document, apply it, preview it.

A document is checked whole before use (``compile_mapping`` raises ``InvalidMapping``
with every problem), then applied to any number of payloads. Applying never raises:
each field that cannot be filled is left out with a warning, so one odd value never
costs the whole record.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any

from marshmallow import Schema

from mapping.canonical import SCHEMAS
from mapping.document import parse_document
from mapping.errors import InvalidMapping, MappingError, MappingWarning
from mapping.record import assemble, validate
from mapping.targets import REQUIRED
from mapping.validate import Plan, check_document

# One instance per target: building a marshmallow Schema costs more than a dump.
_DUMPERS: dict[str, Schema] = {target: schema() for target, schema in SCHEMAS.items()}


@dataclass(frozen=True, slots=True)
class MappingResult:
    """One mapped record: canonical ``values`` (schema-checked) and what was left out."""

    target: str
    values: dict[str, Any]
    warnings: tuple[MappingWarning, ...] = ()
    missing: tuple[str, ...] = ()  # required fields without a value

    @property
    def complete(self) -> bool:
        """Whether the record has every field its target requires (activities need three)."""
        return not self.missing

    def to_json(self) -> dict[str, Any]:
        """The values as JSON-ready data (dates as ISO text), e.g. for a source record."""
        return _DUMPERS[self.target].dump(self.values)


@dataclass(frozen=True, slots=True)
class PreviewResult:
    """What the admin UI shows: the document's errors, or the result of one sample."""

    errors: tuple[MappingError, ...] = ()
    result: MappingResult | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def values(self) -> dict[str, Any]:
        return self.result.values if self.result else {}

    @property
    def warnings(self) -> tuple[MappingWarning, ...]:
        return self.result.warnings if self.result else ()


@dataclass(frozen=True, eq=False)
class CompiledMapping:
    """A checked document, ready to apply to payloads; safe to share between threads."""

    plan: Plan
    document: dict[str, Any] = field(repr=False)
    schema: Schema = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "schema", SCHEMAS[self.plan.target]())

    @property
    def target(self) -> str:
        return self.plan.target

    @property
    def description(self) -> str:
        return self.plan.description

    def apply(self, payload: Any) -> MappingResult:
        """Map one raw payload to canonical values; never raises on the payload's content."""
        results, warnings = [], []
        for rule in self.plan.rules:
            value, found = rule.evaluate(payload)
            results.append((rule, value))
            warnings += found
        record, found = assemble(results)
        values, refused = validate(self.schema, record, REQUIRED[self.target])
        missing = tuple(name for name in REQUIRED[self.target] if name not in values)
        warnings += found + refused
        warnings += [
            MappingWarning(name, "the record cannot be stored without it", "missing_required")
            for name in missing
        ]
        return MappingResult(self.target, values, tuple(warnings), missing)


def _as_document(doc: dict[str, Any] | str) -> Any:
    return parse_document(doc) if isinstance(doc, str) else doc


def validate_mapping(doc: dict[str, Any] | str) -> list[MappingError]:
    """Every problem in a document (JSON/YAML text or parsed); empty when it is usable."""
    try:
        _plan, errors = check_document(_as_document(doc))
    except InvalidMapping as invalid:
        return list(invalid.errors)
    return errors


def compile_mapping(doc: dict[str, Any] | str) -> CompiledMapping:
    """A usable mapping, or InvalidMapping carrying all problems: nothing half-applies."""
    parsed = _as_document(doc)
    plan, errors = check_document(parsed)
    if errors or plan is None:
        raise InvalidMapping(errors)
    return CompiledMapping(plan, copy.deepcopy(parsed))


def preview(doc: dict[str, Any] | str, sample_payload: Any) -> PreviewResult:
    """Apply a draft to a sample for the admin UI; reports problems instead of raising."""
    try:
        mapping = compile_mapping(doc)
    except InvalidMapping as invalid:
        return PreviewResult(errors=invalid.errors)
    if isinstance(sample_payload, str):
        try:
            sample_payload = json.loads(sample_payload)
        except json.JSONDecodeError as error:
            problem = f"the sample is not valid JSON: {error.msg} (line {error.lineno})"
            return PreviewResult(errors=(MappingError("sample", problem),))
    return PreviewResult(result=mapping.apply(sample_payload))
