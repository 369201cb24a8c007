"""Putting rule results together into one record the canonical schema accepts.

Values are first fitted to their field (a list field gets a list, a single field the
first value, numbers become text where text is expected), then the schema checks
them. Whatever the schema refuses is left out, item by item where it can, with a
warning; it never takes the rest of the record down with it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from marshmallow import Schema, ValidationError

from mapping.errors import MappingWarning, TransformFailed
from mapping.rules import ParticipantRule, Rule, first
from mapping.targets import PARTICIPANT_FIELDS, Target
from mapping.transforms import whole_number
from mapping.types import describe, flatten, is_empty, is_texty

_MAX_PASSES = 4
Fitted = tuple[Any, str | None]  # (value or None, a note: why it was left out or shortened)


def fit(target: Target, value: Any) -> Fitted:
    """Fit one rule's value to its field's kind; None with a note when it cannot be."""
    if target.many:
        return _fit_list(target, value)
    value = first(value)
    if is_empty(value):
        return None, None
    return _FITTERS[target.kind](target, value)


def _fit_list(_target: Target, value: Any) -> Fitted:
    items = flatten(value)
    texts = [str(item).strip() for item in items if is_texty(item)]
    unique = list(dict.fromkeys(text for text in texts if text))
    note = None
    if len(texts) < len(items):
        note = "items that are not text were left out"
    return unique or None, note


def _fit_text(target: Target, value: Any) -> Fitted:
    if not is_texty(value):
        return None, f"expected text, got {describe(value)}; the field was left out"
    text = value if isinstance(value, str) else str(value)
    if target.cut and len(text) > target.cut:
        return text[: target.cut], f"shortened to {target.cut} characters"
    return text, None


def _fit_moment(target: Target, value: Any) -> Fitted:
    if isinstance(value, datetime):
        return (value.date() if target.kind == "date" else value), None
    if isinstance(value, date):
        return (value if target.kind == "date" else datetime.combine(value, time(), UTC)), None
    if isinstance(value, str):
        return value, None
    return None, f"expected a date, got {describe(value)}; add parse_date"


def _fit_integer(_target: Target, value: Any) -> Fitted:
    try:
        return whole_number(value), None
    except TransformFailed as failure:
        return None, f"{failure}; the field was left out"


def _fit_mapping(_target: Target, value: Any) -> Fitted:
    if not isinstance(value, dict):
        return None, f"expected an object, got {describe(value)}; the field was left out"
    fitted = {str(key): _scalar(item) for key, item in value.items() if not is_empty(item)}
    kept = {key: item for key, item in fitted.items() if item is not None}
    note = "values that are lists or objects were left out" if len(kept) < len(fitted) else None
    return kept or None, note


def _fit_scalar(_target: Target, value: Any) -> Fitted:
    scalar = _scalar(value)
    if scalar is None:
        return None, f"expected a single value, got {describe(value)}; the field was left out"
    return scalar, None


_FITTERS = {
    "text": _fit_text,
    "email": _fit_text,
    "phone": _fit_text,
    "choice": _fit_text,
    "date": _fit_moment,
    "datetime": _fit_moment,
    "integer": _fit_integer,
    "mapping": _fit_mapping,
    "scalar": _fit_scalar,
}


def _scalar(value: Any) -> Any:
    if isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, date):
        return value.isoformat()
    return None


def assemble(results: list[tuple[Any, Any]]) -> tuple[dict[str, Any], list[MappingWarning]]:
    """One record from (rule, value) pairs, with a warning for each value that did not fit."""
    record: dict[str, Any] = {}
    warnings: list[MappingWarning] = []
    for rule, value in results:
        if isinstance(rule, ParticipantRule):
            people = [_fit_person(rule.key, person, warnings) for person in value]
            record.setdefault("participants", []).extend(people)
        elif len(rule.targets) == 2:
            _put_pair(record, rule, value, warnings)
        else:
            fitted, note = fit(rule.targets[0], value)
            if note:
                warnings.append(MappingWarning(rule.key, note))
            if fitted is not None:
                _put(record, rule.targets[0].name, fitted)
    if "participants" in record:
        record["participants"] = _unique(record["participants"]) or record.pop("participants")
    return record, warnings


def _put(record: dict[str, Any], name: str, value: Any) -> None:
    head, dot, rest = name.partition(".")
    if dot:
        record.setdefault(head, {})[rest] = value
    elif isinstance(value, dict) and isinstance(record.get(name), dict):
        record[name] = {**value, **record[name]}  # named custom fields win over a whole object
    else:
        record[name] = value


def _put_pair(record: dict[str, Any], rule: Rule, value: Any, warnings: list) -> None:
    pair = next((item for item in flatten(value) if isinstance(item, tuple)), None)
    for target, part in zip(rule.targets, pair or (None, None), strict=True):
        fitted, note = fit(target, part)
        if note:
            warnings.append(MappingWarning(target.name, note))
        if fitted is not None:
            _put(record, target.name, fitted)


def _fit_person(key: str, person: dict[str, Any], warnings: list) -> dict[str, Any]:
    fitted: dict[str, Any] = {}
    for name, value in person.items():
        fitted[name], note = fit(PARTICIPANT_FIELDS[name], value)
        if note:
            warnings.append(MappingWarning(f"{key}.{name}", note))
    return {name: value for name, value in fitted.items() if value is not None}


def _unique(people: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[tuple, dict[str, Any]] = {}
    for person in people:
        seen.setdefault(tuple(sorted(person.items())), person)
    return list(seen.values())


def validate(
    schema: Schema, record: dict[str, Any], required: tuple[str, ...]
) -> tuple[dict[str, Any], list[MappingWarning]]:
    """Load the record through the schema, leaving out whatever it refuses."""
    warnings: list[MappingWarning] = []
    for _ in range(_MAX_PASSES):
        try:
            return schema.load(record, partial=required), warnings
        except ValidationError as error:
            record, found = _prune(record, error.normalized_messages())
            warnings += found
    return {}, [*warnings, MappingWarning("record", "the schema kept refusing it", "invalid")]


def _prune(record: dict[str, Any], messages: dict[str, Any]) -> tuple[dict, list]:
    """The record without what the schema refused: bad items of a list or object, else the field."""
    kept = dict(record)
    warnings: list[MappingWarning] = []
    for field, problem in messages.items():
        value = kept.get(field)
        bad = _bad_parts(value, problem)
        if not bad:
            warnings.append(_refused(field, problem))
            kept.pop(field, None)
            continue
        label = "{}[{}]" if isinstance(value, list) else "{}.{}"
        warnings += [
            _refused(label.format(field, key), problem[key]) for key in sorted(bad, key=str)
        ]
        if isinstance(value, list):
            kept[field] = [item for index, item in enumerate(value) if index not in bad]
        else:
            kept[field] = {key: item for key, item in value.items() if key not in bad}
        if not kept[field]:
            kept.pop(field)
    return kept, warnings


def _bad_parts(value: Any, problem: Any) -> set[Any]:
    """The list indexes or object keys the schema refused, when it named parts at all."""
    if not isinstance(problem, dict):
        return set()
    if isinstance(value, list):
        return {key for key in problem if isinstance(key, int) and 0 <= key < len(value)}
    if isinstance(value, dict):
        return {key for key in problem if key in value}
    return set()


def _refused(field: str, problem: Any) -> MappingWarning:
    return MappingWarning(field, f"left out: {_words(problem)}", "invalid")


def _words(problem: Any) -> str:
    if isinstance(problem, dict):
        parts = [_words(text) if key == "_schema" else f"{key}: {_words(text)}"
                 for key, text in problem.items()]  # fmt: skip
        return " ".join(parts)
    if isinstance(problem, list | tuple):
        return " ".join(_words(item) for item in problem)
    return str(problem)
