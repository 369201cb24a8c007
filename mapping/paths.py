"""Source paths: where a value sits in a raw payload.

Syntax, chosen to read like the payloads admins see in the tools' own documentation:

- ``data.merges.FNAME``: keys separated by dots;
- ``payload.headers[0].value``: a list index (``[-1]`` is the last item);
- ``toRecipients[*].emailAddress.address``: every item of a list;
- ``payload.headers[name=From].value``: the items of a list whose ``name`` equals
  ``From``, compared as text ignoring case (mail header names are case-insensitive);
- ``["key.with.dots"]``: a key that holds dots or brackets, quoted;
- ``@``: the value itself (useful inside a participant's ``each``).

A path never raises on a payload: a key that is not there yields nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_INDEX = re.compile(r"-?\d+")
_WHERE = re.compile(r"([^=\s\[\]'\"]+)=(.*)")


class PathSyntaxError(ValueError):
    """A path that cannot be read; the message says where and why."""


@dataclass(frozen=True, slots=True)
class Key:
    name: str

    def __str__(self) -> str:
        plain = self.name and not any(ch in self.name for ch in ".[]'\"")
        return f".{self.name}" if plain else f'["{self.name}"]'


@dataclass(frozen=True, slots=True)
class Index:
    index: int

    def __str__(self) -> str:
        return f"[{self.index}]"


@dataclass(frozen=True, slots=True)
class Each:
    def __str__(self) -> str:
        return "[*]"


@dataclass(frozen=True, slots=True)
class Where:
    key: str
    value: str

    def __str__(self) -> str:
        return f"[{self.key}={self.value}]"


Step = Key | Index | Each | Where


@dataclass(frozen=True, slots=True)
class Lookup:
    """What a path found: ``values`` in payload order, and a hint when nothing was found."""

    values: tuple[Any, ...]
    many: bool
    hint: str | None = None

    @property
    def found(self) -> bool:
        return bool(self.values)

    @property
    def value(self) -> Any:
        """One value for a plain path, a list for a path with ``[*]`` or ``[k=v]``."""
        if self.many:
            return list(self.values)
        return self.values[0] if self.values else None


@dataclass(frozen=True, slots=True)
class Path:
    text: str
    steps: tuple[Step, ...]
    # The key names when every step is a plain key (most paths): read with dict lookups.
    keys: tuple[str, ...] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        plain = all(isinstance(step, Key) for step in self.steps)
        object.__setattr__(self, "keys", tuple(s.name for s in self.steps) if plain else None)

    @property
    def many(self) -> bool:
        return any(isinstance(step, Each | Where) for step in self.steps)

    def find(self, data: Any) -> tuple[bool, Any]:
        """(found, value) as ``resolve`` gives them, without the hint: the per-record path."""
        if self.keys is None:
            lookup = self.resolve(data)
            return lookup.found, lookup.value
        node = data
        for name in self.keys:
            if not isinstance(node, dict) or name not in node:
                return False, None
            node = node[name]
        return True, node

    def resolve(self, data: Any) -> Lookup:
        """Follow the path through ``data``; a dead end yields nothing plus a hint."""
        frontier = [data]
        for position, step in enumerate(self.steps):
            frontier = [found for node in frontier for found in _step(step, node)]
            if not frontier:
                return Lookup((), self.many, _hint(self.steps[: position + 1], data))
        return Lookup(tuple(frontier), self.many)

    def __str__(self) -> str:
        return self.text


def parse_path(text: Any) -> Path:
    """Read a path, or raise PathSyntaxError saying what is wrong with it."""
    if not isinstance(text, str) or not text.strip():
        raise PathSyntaxError("a path must be non-empty text such as data.email")
    if text != text.strip():
        raise PathSyntaxError("a path cannot start or end with spaces")
    if text == "@":
        return Path(text, ())
    steps: list[Step] = []
    position, state = 0, "start"
    while position < len(text):
        step, position, state = _read_step(text, position, state)
        if step is not None:
            steps.append(step)
    if state == "dot":
        raise PathSyntaxError("a path cannot end with '.'")
    return Path(text, tuple(steps))


def _read_step(text: str, position: int, state: str) -> tuple[Step | None, int, str]:
    """The step starting at ``position`` (None for a dot), where the next one starts, the state."""
    char = text[position]
    if char == "[":
        if state == "dot":
            raise PathSyntaxError(f"a name must follow '.' at position {position}")
        end = _closing_bracket(text, position)
        return _bracket_step(text[position + 1 : end]), end + 1, "step"
    if char == ".":
        if state != "step":
            raise PathSyntaxError(f"empty name before '.' at position {position + 1}")
        return None, position + 1, "dot"
    if char == "]":
        raise PathSyntaxError(f"']' without '[' at position {position + 1}")
    if state == "step":
        raise PathSyntaxError(f"expected '.' or '[' at position {position + 1}")
    end = position
    while end < len(text) and text[end] not in ".[]":
        end += 1
    return Key(text[position:end]), end, "step"


def _closing_bracket(text: str, start: int) -> int:
    """Index of the ']' closing the '[' at ``start``, skipping quoted text."""
    quote: str | None = None
    for position in range(start + 1, len(text)):
        char = text[position]
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "]":
            return position
    raise PathSyntaxError(f"'[' at position {start + 1} is never closed")


def _bracket_step(inner: str) -> Step:
    content = inner.strip()
    if content == "*":
        return Each()
    if _INDEX.fullmatch(content):
        return Index(int(content))
    if len(content) >= 2 and content[0] == content[-1] and content[0] in "'\"":
        if len(content) == 2:
            raise PathSyntaxError("a quoted key cannot be empty")
        return Key(content[1:-1])
    match = _WHERE.fullmatch(content)
    if match:
        return Where(match.group(1), _unquote(match.group(2).strip()))
    raise PathSyntaxError(
        f"[{inner}] is not a list index, [*], a quoted key or a filter such as [name=From]"
    )


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _step(step: Step, node: Any) -> list[Any]:
    if isinstance(step, Key):
        return [node[step.name]] if isinstance(node, dict) and step.name in node else []
    if not isinstance(node, list):
        return []
    if isinstance(step, Index):
        return [node[step.index]] if -len(node) <= step.index < len(node) else []
    if isinstance(step, Each):
        return list(node)
    return [item for item in node if _matches(item, step)]


def _matches(item: Any, where: Where) -> bool:
    if not isinstance(item, dict):
        return False
    found = item.get(where.key)
    if found is None or isinstance(found, dict | list):
        return False
    return str(found).casefold() == where.value.casefold()


def _hint(steps: tuple[Step, ...], data: Any) -> str:
    """Say where the path stopped, and what to write instead when a list was met by a key."""
    shown = _format(steps)
    if len(steps) == 1 and isinstance(steps[0], Key) and isinstance(data, list):
        return f"the payload is a list: start the path with [*] or [0] before {shown}"
    parent = Path("", steps[:-1]).resolve(data) if len(steps) > 1 else Lookup((data,), False)
    if isinstance(steps[-1], Key) and any(isinstance(node, list) for node in parent.values):
        before = _format(steps[:-1])
        return f"{before} holds a list: write {before}[*] or {before}[0] before .{steps[-1].name}"
    return f"nothing at {shown}"


def _format(steps: tuple[Step, ...]) -> str:
    return "".join(str(step) for step in steps).removeprefix(".")
