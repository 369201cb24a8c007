"""Checking a mapping document before any record goes through it.

Every problem is collected (not just the first), each with the place in the document
it concerns, so the admin fixes a text area in one round. A document with any problem
yields no rules at all: a bad mapping is refused whole, never applied in part.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mapping.errors import MappingError
from mapping.participants import compile_participants
from mapping.paths import PathSyntaxError, parse_path
from mapping.rules import ParticipantRule, Rule, Source
from mapping.steps import Step, parse_step, suggest
from mapping.targets import (
    ACCEPTS,
    ALIASES,
    KIND_WORDS,
    TARGETS,
    Target,
    field_names,
    find_target,
)
from mapping.types import VType, vtype_of

VERSION = 1
TOP_KEYS = ("version", "target", "fields", "description")
RULE_KEYS = ("from", "value", "concat", "first_non_empty", "sep", "transforms", "optional", "note")
SOURCES = ("from", "value", "concat", "first_non_empty")
_RULE_SHAPE = 'a field rule is a path such as "data.email" or an object: {"from": "data.email"}'


@dataclass(frozen=True, slots=True)
class Plan:
    """A checked document: its target and the rules to run, in document order."""

    target: str
    rules: tuple[Rule | ParticipantRule, ...]
    description: str = ""


def check_document(doc: Any) -> tuple[Plan | None, list[MappingError]]:
    """The compiled plan, or None and every problem found in the document."""
    if not isinstance(doc, dict):
        return None, [MappingError("", "a mapping is an object with version, target and fields")]
    errors = [MappingError(str(key), f"unknown key{suggest(str(key), TOP_KEYS)}")
              for key in doc if key not in TOP_KEYS]  # fmt: skip
    errors += _check_version(doc.get("version"))
    target = doc.get("target")
    if target not in TARGETS:
        errors.append(MappingError("target", f"target must be one of {', '.join(TARGETS)}"))
    description = doc.get("description", "")
    if not isinstance(description, str):
        errors.append(MappingError("description", "description must be text"))
    fields = doc.get("fields")
    if not isinstance(fields, dict) or not fields:
        errors.append(MappingError("fields", "fields must be an object with at least one rule"))
        return None, errors
    rules: list[Rule | ParticipantRule] = []
    for key, raw in fields.items():
        if target in TARGETS:
            found, problems = compile_field(target, str(key), raw)
            rules += found
            errors += problems
    errors += _overlaps(rules)
    return (None, errors) if errors else (Plan(target, tuple(rules), description), [])


def _check_version(version: Any) -> list[MappingError]:
    if version is None:
        return [MappingError("version", f'version is missing: write "version": {VERSION}')]
    if isinstance(version, bool) or version != VERSION:
        return [MappingError("version", f"version {version!r} is not supported; use {VERSION}")]
    return []


def compile_field(target: str, key: str, raw: Any) -> tuple[list[Any], list[MappingError]]:
    """The rule(s) for one entry of ``fields``, or the problems with it."""
    where = f"fields.{key}"
    if key == "participants" and target == "activity":
        return compile_participants(raw, where, compile_rule)
    targets, errors = _targets(target, key, where)
    if errors:
        return [], errors
    rule, errors = compile_rule(raw, where, targets, key)
    return ([rule] if rule else []), errors


def _targets(target: str, key: str, where: str) -> tuple[tuple[Target, ...], list[MappingError]]:
    names = [name.strip() for name in key.split(",")]
    if len(names) > 2:
        return (), [MappingError(where, "a rule fills one field, or two with split_name")]
    found: list[Target] = []
    errors: list[MappingError] = []
    for name in names:
        result = find_target(target, name)
        if isinstance(result, Target):
            found.append(result)
        else:
            unknown = f"unknown {target} field {name!r}{_closest(target, name)}"
            errors.append(MappingError(where, result or unknown))
    if len(found) == 2 and any(field.kind != "text" for field in found):
        errors.append(MappingError(where, "two fields can share a rule only for name parts"))
    return tuple(found), errors


def _closest(target: str, name: str) -> str:
    alias = ALIASES.get(name.lower())
    if alias and alias in field_names(target):
        return f" (did you mean {alias}?)"
    return suggest(name, field_names(target))


def _overlaps(rules: list[Rule | ParticipantRule]) -> list[MappingError]:
    """Two rules filling one field would make the result depend on their order: refuse."""
    errors, seen = [], {}
    for rule in rules:
        names = [target.name for target in rule.targets] if isinstance(rule, Rule) else []
        for name in names:
            if name in seen:
                problem = f"{name} is already filled by fields.{seen[name]}"
                errors.append(MappingError(f"fields.{rule.key}", problem))
            seen.setdefault(name, rule.key)
    return errors


def compile_rule(
    raw: Any, where: str, targets: tuple[Target, ...], key: str
) -> tuple[Rule | None, list[MappingError]]:
    """One field rule: its source, its transforms, and whether what they yield fits."""
    if isinstance(raw, str):
        rule, errors = compile_rule({"from": raw}, where, targets, key)
        return rule, [MappingError(where, e.message) if e.where == f"{where}.from" else e
                      for e in errors]  # fmt: skip
    if not isinstance(raw, dict):
        return None, [MappingError(where, _RULE_SHAPE)]
    errors = [MappingError(where, f"unknown key {name!r}{suggest(str(name), RULE_KEYS)}")
              for name in raw if name not in RULE_KEYS]  # fmt: skip
    source, start, problems = _source(raw, where)
    errors += problems
    steps, problems = _steps(raw.get("transforms"), where)
    errors += problems
    if not isinstance(raw.get("optional", False), bool):
        errors.append(MappingError(f"{where}.optional", "optional must be true or false"))
    if errors or source is None:
        return None, errors
    origin = f"{where}.value" if source.kind == "value" else where
    errors += _type_flow(start, origin, steps, targets, where)
    if not errors and len(targets) == 1 and targets[0].kind == "choice":
        errors += _choices(targets[0], source, steps, where)
    if errors:
        return None, errors
    return Rule(key, targets, source, steps, raw.get("optional", False)), []


def _source(raw: dict[str, Any], where: str) -> tuple[Source | None, VType, list[MappingError]]:
    kinds = [kind for kind in SOURCES if kind in raw]
    if not kinds:
        return None, VType.ANY, [MappingError(where, f"needs one of {', '.join(SOURCES)}")]
    if len(kinds) > 1:
        problem = f"has both {kinds[0]} and {kinds[1]}; use one"
        return None, VType.ANY, [MappingError(where, problem)]
    kind = kinds[0]
    sep = raw.get("sep", " ")
    if "sep" in raw and (kind != "concat" or not isinstance(sep, str)):
        return None, VType.ANY, [MappingError(f"{where}.sep", "sep is text, and goes with concat")]
    if kind == "value":
        if raw["value"] is None:
            return None, VType.ANY, [MappingError(f"{where}.value", "value cannot be null")]
        return Source("value", constant=raw["value"]), vtype_of(raw["value"]), []
    paths, errors = _paths(raw[kind], f"{where}.{kind}")
    start = VType.TEXT if kind == "concat" else VType.ANY
    return (None if errors else Source(kind, paths, sep=sep)), start, errors


def _paths(raw: Any, where: str) -> tuple[tuple[Any, ...], list[MappingError]]:
    listed = raw if isinstance(raw, list) else [raw]
    if not listed:
        return (), [MappingError(where, "needs at least one path")]
    paths, errors = [], []
    for index, text in enumerate(listed):
        at = f"{where}[{index}]" if isinstance(raw, list) else where
        try:
            paths.append(parse_path(text))
        except PathSyntaxError as error:
            errors.append(MappingError(at, f"bad path: {error}"))
    return tuple(paths), errors


def _steps(raw: Any, where: str) -> tuple[tuple[Step, ...], list[MappingError]]:
    if raw is None:
        return (), []
    if not isinstance(raw, list):
        return (), [MappingError(f"{where}.transforms", "transforms must be a list")]
    steps, errors = [], []
    for index, entry in enumerate(raw):
        step, problems = parse_step(entry, f"{where}.transforms[{index}]")
        errors += problems
        if step:
            steps.append(step)
    return tuple(steps), errors


def _type_flow(
    kind: VType, origin: str, steps: tuple[Step, ...], targets: tuple[Target, ...], where: str
) -> list[MappingError]:
    """Follow the value's type through the transforms and into the field(s)."""
    producer, at = ("the value", origin) if origin != where else ("", where)
    for step in steps:
        if kind not in step.spec.accepts:
            made = f" (what {producer} yields)" if producer else ""
            problem = f"{step.spec.name} cannot apply to {kind.words}{made}"
            return [MappingError(step.where, problem)]
        kind = step.spec.output(kind, step.args)
        producer, at = step.spec.name, step.where
    if len(targets) == 2:
        if kind is VType.PAIR:
            return []
        return [MappingError(where, "two fields are filled only by ending with split_name")]
    if kind is VType.PAIR:
        hint = 'name two fields ("given_name, family_name") or pick one: {"split_name": "given"}'
        return [MappingError(at, f"split_name yields two name parts: {hint}")]
    field = targets[0]
    if kind in ACCEPTS[field.kind]:
        return []
    verb = "is" if producer == "the value" else "yields"
    return [MappingError(at, f"{producer} {verb} {kind.words}, but "
                             f"{field.name} holds {KIND_WORDS[field.kind]}")]  # fmt: skip


def _choices(field: Target, source: Source, steps: tuple[Step, ...], where: str) -> list:
    """Constants that end up in a field with a fixed list of words must be among them."""
    constants: list[tuple[str, Any]] = []
    if not steps and source.kind == "value":
        constants.append((f"{where}.value", source.constant))
    tail = list(steps[-2:]) if steps and steps[-1].spec.name == "default" else list(steps[-1:])
    for step in tail:
        if step.spec.name == "default":
            constants.append((step.where, step.args["value"]))
        elif step.spec.name == "map":
            results = [*step.args["values"].values(), step.args.get("default")]
            constants += [(step.where, result) for result in results]
    allowed = ", ".join(field.choices)
    return [
        MappingError(at, f"{value!r} is not allowed in {field.name} (use one of {allowed})")
        for at, value in constants
        if value is not None and value not in field.choices
    ]
