"""Reading a mapping document from the text an admin typed: JSON or YAML.

YAML is read with two of its surprises removed, because mapping documents are full
of short codes: ``no``/``yes``/``on``/``off`` stay text (``NO`` is Norway, not false)
and dates stay text (parse_date reads them). A key written twice is an error rather
than the silent "last one wins" of both formats.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from mapping.errors import InvalidMapping, MappingError

_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_BOOL = "tag:yaml.org,2002:bool"


class _DuplicateKey(ValueError):
    pass


class _Loader(yaml.SafeLoader):
    """SafeLoader without yes/no booleans and timestamps, refusing repeated keys."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, list | dict):
                continue  # SafeLoader reports unhashable keys itself
            if key in seen:
                problem = f"the key {key!r} appears twice"
                raise yaml.constructor.ConstructorError(None, None, problem, key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_TIMESTAMP, _BOOL)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def parse_document(text: str) -> Any:
    """The document in ``text``; raises InvalidMapping naming the line of a syntax error.

    Text that starts with "{" is read as JSON only, so a JSON typo is reported as such
    instead of being read as some other YAML document.
    """
    if not isinstance(text, str) or not text.strip():
        raise InvalidMapping([MappingError("", "the mapping is empty")])
    if text.lstrip().startswith("{"):
        return _parse_json(text)
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.MarkedYAMLError as error:
        raise InvalidMapping([_yaml_error(error)]) from None
    except yaml.YAMLError:
        raise InvalidMapping([MappingError("", "not valid YAML")]) from None


def _parse_json(text: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_unique_pairs)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise InvalidMapping([MappingError(where, f"not valid JSON: {error.msg}")]) from None
    except _DuplicateKey as error:
        raise InvalidMapping([MappingError("", str(error))]) from None


def _yaml_error(error: yaml.MarkedYAMLError) -> MappingError:
    mark = error.problem_mark or error.context_mark
    where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    return MappingError(where, f"not valid YAML: {error.problem or error.context}")


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(f"the key {key!r} appears twice")
        result[key] = value
    return result
