"""Compiled rules: read a source from the payload, run the transforms, report what failed.

Nothing here raises on a payload. A value that cannot be read becomes a warning naming
the field, and the field is left out; the rest of the record goes on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mapping.errors import MappingWarning, TransformFailed
from mapping.paths import Path
from mapping.steps import Step
from mapping.targets import Target
from mapping.types import flatten, is_empty, is_texty

_UNREADABLE = (ValueError, TypeError, ArithmeticError)


@dataclass(frozen=True, slots=True)
class Source:
    """Where a rule's value comes from: ``from``, ``value``, ``concat`` or ``first_non_empty``."""

    kind: str
    paths: tuple[Path, ...] = ()
    constant: Any = None
    sep: str = " "

    def read(self, data: Any, hints: bool = True) -> tuple[Any, str | None]:
        """The value (None when nothing was found) and, if so, a hint saying where it looked.

        ``hints=False`` skips building the hint (an optional rule never shows it).
        """
        if self.kind == "value":
            return self.constant, None
        found, value = self._find(data)
        if found:
            return value, None
        return None, self._hint(data) if hints else None

    def _find(self, data: Any) -> tuple[bool, Any]:
        if self.kind == "first_non_empty":
            for path in self.paths:
                found, value = path.find(data)
                if found and not is_empty(value):
                    return True, value
            return False, None
        if self.kind == "concat":
            parts = [str(item).strip() for item in self._gather(data) if is_texty(item)]
            joined = self.sep.join(part for part in parts if part)
            return bool(joined), joined
        if len(self.paths) == 1:
            return self.paths[0].find(data)
        gathered = self._gather(data)
        return bool(gathered), gathered

    def _gather(self, data: Any) -> list[Any]:
        """Every non-empty value found at any of the paths, in order, lists flattened."""
        return [item for path in self.paths for item in flatten(path.find(data)[1])]

    def _hint(self, data: Any) -> str:
        if len(self.paths) == 1:
            return self.paths[0].resolve(data).hint or f"nothing at {self.paths[0]}"
        return f"nothing at any of {', '.join(str(path) for path in self.paths)}"


@dataclass(frozen=True, slots=True)
class Rule:
    """One entry of ``fields``: a source, its transforms, and the field(s) it fills."""

    key: str
    targets: tuple[Target, ...]
    source: Source
    steps: tuple[Step, ...] = ()
    optional: bool = False

    def evaluate(self, data: Any) -> tuple[Any, list[MappingWarning]]:
        """The transformed value (None when there is none) and the warnings on the way."""
        value, hint = self.source.read(data, hints=not self.optional)
        warnings: list[MappingWarning] = []
        for step in self.steps:
            try:
                value, problems = step.run(value)
            except TransformFailed as failure:
                return None, [self._warn(step, str(failure))]
            except _UNREADABLE:
                return None, [self._warn(step, "the value could not be read")]
            warnings += [self._warn(step, problem, item=True) for problem in problems]
        if hint and is_empty(value) and not self.optional:
            warnings.append(MappingWarning(self.key, f"no value: {hint}", "missing"))
        return value, warnings

    def _warn(self, step: Step, problem: str, *, item: bool = False) -> MappingWarning:
        left_out = "that item was left out" if item else "the field was left out"
        return MappingWarning(self.key, f"{step.spec.name}: {problem}; {left_out}")


@dataclass(frozen=True, slots=True)
class ParticipantRule:
    """One entry of ``participants``: who took part, once or for each item of a list."""

    key: str  # participants[0]
    role: str | Rule
    parts: tuple[tuple[str, Rule], ...]  # ("email", rule), ("phone", rule), ("name", rule)
    each: Rule | None = None
    optional: bool = False

    def evaluate(self, data: Any) -> tuple[list[dict[str, Any]], list[MappingWarning]]:
        items, warnings = self._items(data)
        people = [self._person(item, warnings) for item in items]
        people = [person for person in people if person.get("email") or person.get("phone")]
        if not people and not self.optional and not warnings:
            warnings.append(MappingWarning(self.key, "no email or phone found", "missing"))
        return people, warnings

    def _items(self, data: Any) -> tuple[list[Any], list[MappingWarning]]:
        if self.each is None:
            return [data], []
        value, warnings = self.each.evaluate(data)
        if self.optional:
            warnings = [warning for warning in warnings if warning.code != "missing"]
        return flatten(value), warnings

    def _person(self, item: Any, warnings: list[MappingWarning]) -> dict[str, Any]:
        person: dict[str, Any] = {}
        for name, rule in self.parts:
            value, found = rule.evaluate(item)
            warnings += [note for note in found if note.code != "missing"]
            value = first(value)
            if not is_empty(value):
                person[name] = value
        role, found = self.role.evaluate(item) if isinstance(self.role, Rule) else (self.role, [])
        warnings += found
        if not is_empty(first(role)):
            person["role"] = first(role)
        return person


def first(value: Any) -> Any:
    """A single value from what may be a list: its first non-empty item."""
    if isinstance(value, list):
        items = flatten(value)
        return items[0] if items else None
    return value
