"""The transforms a mapping rule may apply, each declared once with its arguments and types.

A transform either works on each value (``each``: a list is transformed item by item,
a bad item is dropped with a warning and the others kept) or on the whole value
(``concat``, ``first_non_empty``, ``default``: they exist to combine or fill in).
The declarations double as the reference the admin UI shows next to the text area.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import getaddresses
from typing import Any

from core.normalize.phones import normalize_phone
from mapping.dates import check_format, parse_temporal, zone_named
from mapping.errors import TransformFailed
from mapping.names import split_name
from mapping.types import VType, describe, flatten, is_empty, vtype_of

Args = Mapping[str, Any]
SCALAR = (str, int, float, bool, type(None))
_EVERY = frozenset(VType)
_TEXTISH = frozenset({VType.ANY, VType.TEXT, VType.PHONE, VType.NUMBER})
_WORDY = frozenset({VType.ANY, VType.TEXT})


@dataclass(frozen=True, slots=True)
class Param:
    """One argument of a transform; ``check`` returns why a given value is unusable."""

    name: str
    types: tuple[type, ...]
    words: str
    required: bool = False
    check: Callable[[Any], str | None] | None = None


@dataclass(frozen=True, slots=True)
class TransformSpec:
    name: str
    help: str
    run: Callable[[Any, Args], Any]
    accepts: frozenset[VType]
    output: Callable[[VType, Args], VType]
    params: tuple[Param, ...] = ()
    main: str | None = None  # the argument written directly: {"e164": "US"}
    each: bool = True

    def param(self, name: str) -> Param | None:
        return next((param for param in self.params if param.name == name), None)


def text_of(value: Any) -> str:
    """Text as-is, numbers as their digits; anything else cannot be read as text."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise TransformFailed(f"expected text, got {describe(value)}")


def _e164(value: Any, args: Args) -> str:
    result = normalize_phone(text_of(value), args.get("region"))
    if not result.valid or not result.e164:
        raise TransformFailed(f"not a usable phone number ({result.error or 'invalid'})")
    return result.e164


def _parse_date(value: Any, args: Args) -> Any:
    return parse_temporal(value, args.get("format"), zone_named(args.get("timezone")))


def map_key(value: Any) -> str:
    """How map compares: as trimmed text, ignoring case (``Subscribed`` matches ``subscribed``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip().casefold()


def _map(value: Any, args: Args) -> Any:
    table = {map_key(key): result for key, result in args["values"].items()}
    key = map_key(value)
    if key in table:
        return table[key]
    return args.get("default", value)


def _map_output(kind: VType, args: Args) -> VType:
    results = [*args["values"].values(), *([args["default"]] if "default" in args else [])]
    kinds = {vtype_of(result) for result in results if result is not None}
    if "default" not in args:
        kinds.add(kind)
    return kinds.pop() if len(kinds) == 1 else VType.ANY


def _concat(value: Any, args: Args) -> str | None:
    parts = [text_of(item).strip() for item in flatten(value)]
    return args.get("sep", " ").join(part for part in parts if part) or None


def _first_non_empty(value: Any, _args: Args) -> Any:
    if isinstance(value, list):
        return next((item for item in value if not is_empty(item)), None)
    return value


def _split(value: Any, args: Args) -> list[str]:
    return [part.strip() for part in text_of(value).split(args.get("sep", ",")) if part.strip()]


def whole_number(value: Any, _args: Args | None = None) -> int:
    """A whole number from a number or its digits; 42.0 and "42" are 42, 4.5 is refused."""
    if isinstance(value, bool):
        raise TransformFailed("true/false is not a whole number")
    try:
        number = float(text_of(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        raise TransformFailed("not a whole number") from None
    if isinstance(number, float) and not number.is_integer():
        raise TransformFailed("not a whole number")
    return int(number)


def _split_name(value: Any, args: Args) -> Any:
    given, family = split_name(text_of(value))
    part = args.get("part")
    if part is None:
        return (given, family)
    return given if part == "given" else family


def _addresses(value: Any, _args: Args) -> list[dict[str, str | None]]:
    found = [
        {"email": address.strip(), "name": name.strip() or None}
        for name, address in getaddresses([text_of(value)])
        if "@" in address
    ]
    if not found:
        raise TransformFailed("no email address found")
    return found


def _region_problem(value: str) -> str | None:
    if re.fullmatch(r"[A-Za-z]{2}", value):
        return None
    return "must be a two-letter country code such as US or GB"


def _zone_problem(value: str) -> str | None:
    try:
        zone_named(value)
    except ValueError as error:
        return str(error)
    return None


def _part_problem(value: str) -> str | None:
    return None if value in ("given", "family") else "must be given or family"


def _simple(name: str, help_text: str, func: Callable[[str], Any]) -> TransformSpec:
    """A text-to-text transform with no arguments; a phone number stays a phone number."""
    return TransformSpec(
        name=name,
        help=help_text,
        run=lambda value, _args: func(text_of(value)),
        accepts=_TEXTISH,
        output=lambda kind, _args: VType.PHONE if kind is VType.PHONE else VType.TEXT,
    )


_SPECS = (
    _simple("trim", "remove spaces at both ends", str.strip),
    _simple("lower", "lower-case the text", str.lower),
    _simple("upper", "upper-case the text", str.upper),
    _simple("unescape_html", "turn &amp; and &#39; back into & and '", html.unescape),
    TransformSpec(
        "e164",
        "phone number to +15551234567 form; region is the country for national numbers",
        _e164,
        _TEXTISH,
        lambda _kind, _args: VType.PHONE,
        (Param("region", (str,), "a country code", check=_region_problem),),
        main="region",
    ),
    TransformSpec(
        "parse_date",
        "text or epoch number to a date (UTC); format: auto, iso, rfc2822, epoch, "
        "epoch_ms or a strptime pattern such as %d/%m/%Y",
        _parse_date,
        frozenset({VType.ANY, VType.TEXT, VType.NUMBER, VType.DATE}),
        lambda _kind, _args: VType.DATE,
        (
            Param("format", (str,), "text", check=check_format),
            Param("timezone", (str,), "a time zone name", check=_zone_problem),
        ),
        main="format",
    ),
    TransformSpec(
        "map",
        "replace listed values (compared ignoring case); default for anything else, "
        "null to leave it out",
        _map,
        frozenset({VType.ANY, VType.TEXT, VType.NUMBER, VType.BOOL, VType.PHONE}),
        _map_output,
        (
            Param("values", (dict,), "an object of value: replacement", required=True),
            Param("default", SCALAR, "a single value or null"),
        ),
        main="values",
    ),
    TransformSpec(
        "default",
        "use this value when there is none",
        lambda value, args: args["value"] if is_empty(value) else value,
        _EVERY,
        lambda kind, args: kind if vtype_of(args["value"]) is kind else VType.ANY,
        (Param("value", (*SCALAR[:-1], list), "a value", required=True),),
        main="value",
        each=False,
    ),
    TransformSpec(
        "concat",
        "join the values into one text with sep between them (default a space)",
        _concat,
        _TEXTISH,
        lambda _kind, _args: VType.TEXT,
        (Param("sep", (str,), "text"),),
        main="sep",
        each=False,
    ),
    TransformSpec(
        "first_non_empty",
        "keep only the first value that is not empty",
        _first_non_empty,
        _EVERY,
        lambda kind, _args: kind,
        each=False,
    ),
    TransformSpec(
        "split",
        "cut text into a list at sep (default a comma)",
        _split,
        _WORDY,
        lambda _kind, _args: VType.TEXT,
        (Param("sep", (str,), "non-empty text", check=lambda v: None if v else "is empty"),),
        main="sep",
    ),
    TransformSpec(
        "int",
        "read a whole number such as a duration",
        whole_number,
        frozenset({VType.ANY, VType.TEXT, VType.NUMBER}),
        lambda _kind, _args: VType.NUMBER,
    ),
    TransformSpec(
        "split_name",
        "full name to given and family name; part: given or family picks one",
        _split_name,
        _WORDY,
        lambda _kind, args: VType.TEXT if args.get("part") else VType.PAIR,
        (Param("part", (str,), "given or family", check=_part_problem),),
        main="part",
    ),
    TransformSpec(
        "parse_addresses",
        'mail header such as "Jane <jane@example.com>, bob@example.com" to a list of {email, name}',
        _addresses,
        _WORDY,
        lambda _kind, _args: VType.OBJECT,
    ),
)
TRANSFORMS: dict[str, TransformSpec] = {spec.name: spec for spec in _SPECS}
