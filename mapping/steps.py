"""Reading one transform entry of a rule, and running it on a value.

An entry is written either as a bare name (``"trim"``) or as an object whose one
transform-name key carries the main argument (``{"e164": "US"}``), an object of
arguments (``{"e164": {"region": "US"}}``), or sits beside its options
(``{"map": {...}, "default": "other"}``).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mapping.errors import MappingError, TransformFailed
from mapping.transforms import TRANSFORMS, TransformSpec
from mapping.types import flatten, is_empty

_SHAPE = 'a transform is a name such as "trim" or an object such as {"e164": "US"}'


@dataclass(frozen=True, slots=True)
class Step:
    """One compiled transform of a rule."""

    spec: TransformSpec
    args: Mapping[str, Any]
    where: str

    def run(self, value: Any) -> tuple[Any, list[str]]:
        """The transformed value and the reasons any item was dropped."""
        if not self.spec.each:
            return self.spec.run(value, self.args), []
        if not isinstance(value, list):
            return (None, []) if is_empty(value) else (self.spec.run(value, self.args), [])
        results: list[Any] = []
        problems: list[str] = []
        for item in flatten(value):
            try:
                result = self.spec.run(item, self.args)
            except TransformFailed as failure:
                problems.append(str(failure))
                continue
            except (ValueError, TypeError, ArithmeticError):
                problems.append("the value could not be read")
                continue
            results.extend(result if isinstance(result, list) else [result])
        return [result for result in results if not is_empty(result)], problems


def suggest(name: str, known: list[str] | tuple[str, ...]) -> str:
    """' (did you mean x?)' when a close name exists, else the list of known names."""
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.7)
    if close:
        return f" (did you mean {close[0]}?)"
    return f" (known: {', '.join(known)})"


def parse_step(raw: Any, where: str) -> tuple[Step | None, list[MappingError]]:
    """Compile one transform entry, or say everything that is wrong with it."""
    name, head, options, errors = _split_entry(raw, where)
    if errors or name is None:
        return None, errors
    spec = TRANSFORMS[name]
    args, errors = _gather_args(spec, head, options, where)
    errors += _check_args(spec, args, where)
    return (None, errors) if errors else (Step(spec, args, where), [])


def _split_entry(raw: Any, where: str) -> tuple[str | None, Any, dict[str, Any], list]:
    """The transform's name, its head value and its sibling options, or the problem."""
    if isinstance(raw, str):
        raw = {raw: None}
    if not isinstance(raw, dict) or not raw:
        return None, None, {}, [MappingError(where, _SHAPE)]
    heads = [key for key in raw if key in TRANSFORMS and _others_are_options(key, raw)]
    if len(heads) == 1:
        head = heads[0]
        return head, raw[head], {k: v for k, v in raw.items() if k != head}, []
    return None, None, {}, [_headless(raw, where)]


def _headless(raw: dict[str, Any], where: str) -> MappingError:
    """Why no single key of the entry names its transform."""
    names = [key for key in raw if key in TRANSFORMS]
    if len(names) > 1:
        problem = f"holds several transforms ({', '.join(names)}); give each its own list item"
        return MappingError(where, problem)
    if names:
        spec = TRANSFORMS[names[0]]
        stray = next(key for key in raw if key != names[0] and spec.param(key) is None)
        return MappingError(where, _unknown_option(spec, stray))
    return _unknown(next(iter(raw)), where)


def _others_are_options(name: str, raw: dict[str, Any]) -> bool:
    spec = TRANSFORMS[name]
    return all(key == name or spec.param(key) is not None for key in raw)


def _gather_args(
    spec: TransformSpec, head: Any, options: dict[str, Any], where: str
) -> tuple[dict[str, Any], list[MappingError]]:
    main = spec.param(spec.main) if spec.main else None
    if head is None:
        return dict(options), []
    if isinstance(head, dict) and not (main and dict in main.types):
        clash = sorted(set(head) & set(options))
        if clash:
            return {}, [MappingError(where, f"{spec.name} sets {clash[0]} twice")]
        return {**head, **options}, []
    if main is None:
        return {}, [MappingError(where, f"{spec.name} takes no arguments")]
    return {main.name: head, **options}, []


def _check_args(spec: TransformSpec, args: dict[str, Any], where: str) -> list[MappingError]:
    errors = []
    for name, value in args.items():
        param = spec.param(name)
        if param is None:
            errors.append(MappingError(where, _unknown_option(spec, name)))
        elif not _is_type(value, param.types):
            errors.append(MappingError(where, f"{spec.name} {name} must be {param.words}"))
        elif param.check and (problem := param.check(value)):
            errors.append(MappingError(where, f"{spec.name} {name} {_as_clause(problem)}"))
    for param in spec.params:
        if param.required and param.name not in args:
            errors.append(MappingError(where, f"{spec.name} needs {param.name} ({param.words})"))
    if spec.name == "map" and isinstance(args.get("values"), dict):
        errors += _check_map_values(args["values"], where)
    return errors


def _check_map_values(values: dict[str, Any], where: str) -> list[MappingError]:
    bad = [key for key, value in values.items() if isinstance(value, dict | list)]
    if not values:
        return [MappingError(where, "map needs at least one value: replacement pair")]
    return [MappingError(where, f"map gives an object or list for {key!r}") for key in bad]


def _is_type(value: Any, types: tuple[type, ...]) -> bool:
    if isinstance(value, bool):
        return bool in types
    return isinstance(value, types)


def _as_clause(problem: str) -> str:
    """Param checks word their problem as a clause or a full sentence; join either kindly."""
    return problem if problem.startswith(("must", "is ")) else f"is unusable: {problem}"


def _unknown(name: Any, where: str) -> MappingError:
    return MappingError(where, f"unknown transform {name!r}{suggest(str(name), list(TRANSFORMS))}")


def _unknown_option(spec: TransformSpec, name: str) -> str:
    taken = ", ".join(param.name for param in spec.params) or "nothing"
    return f"unknown option {name!r} for {spec.name} (it takes: {taken})"
