"""Reading webhook bodies safely: JSON, url-encoded forms and multipart text fields.

A body comes from the internet, so every reader refuses what it cannot read with a
``WebhookRejected(400)`` naming the problem, and never lets a hostile body cost more
than a linear pass: JSON nesting is measured with a flat scan before ``json.loads``
(whose recursion a deeply nested body would exhaust), and the number of form fields is
capped.
"""

from __future__ import annotations

import json
import re
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from itertools import accumulate
from typing import Any
from urllib.parse import parse_qsl

from connectors.base import WebhookRejected

MAX_JSON_DEPTH = 32
MAX_FORM_FIELDS = 1000
# A string runs to its closing quote, or to the end of an unterminated body: one pass.
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"?', re.DOTALL)
_NOT_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))
_STEP = [0] * 256
_STEP[ord("[")] = _STEP[ord("{")] = 1
_STEP[ord("]")] = _STEP[ord("}")] = -1


def nesting_depth(body: bytes) -> int:
    """How deeply arrays and objects nest in a JSON text, brackets inside strings ignored.

    Linear, and without a Python-level step per byte: strings are cut out, everything
    but brackets deleted, and the running depth summed in C.
    """
    brackets = _JSON_STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def check_depth(body: bytes, max_depth: int = MAX_JSON_DEPTH) -> None:
    if nesting_depth(body) > max_depth:
        raise WebhookRejected(400, f"the JSON body nests deeper than {max_depth} levels")


def json_object(body: bytes, max_depth: int = MAX_JSON_DEPTH) -> dict[str, Any]:
    """The body as a JSON object; WebhookRejected(400) for anything else."""
    check_depth(body, max_depth)
    try:
        value = json.loads(_text(body))
    except json.JSONDecodeError as error:
        raise WebhookRejected(400, f"the body is not valid JSON: {error.msg}") from None
    if not isinstance(value, dict):
        raise WebhookRejected(400, "the JSON body must be an object")
    return value


def form_fields(body: bytes) -> dict[str, Any]:
    """An application/x-www-form-urlencoded body; a repeated name gives a list."""
    try:
        pairs = parse_qsl(
            _text(body),
            keep_blank_values=True,
            strict_parsing=False,
            max_num_fields=MAX_FORM_FIELDS,
        )
    except ValueError:
        raise WebhookRejected(400, f"the form has more than {MAX_FORM_FIELDS} fields") from None
    return _grouped(pairs)


def multipart_fields(body: bytes, content_type: str) -> dict[str, Any]:
    """The text fields of a multipart/form-data body; file parts are left out."""
    if "boundary=" not in content_type:
        raise WebhookRejected(400, "the multipart body has no boundary")
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    if not message.is_multipart() or message.defects:
        raise WebhookRejected(400, "the multipart body cannot be read")
    pairs: list[tuple[str, str]] = []
    for part in message.iter_parts():
        field = _text_field(part)
        if field is not None:
            pairs.append(field)
        if len(pairs) > MAX_FORM_FIELDS:
            raise WebhookRejected(400, f"the form has more than {MAX_FORM_FIELDS} fields")
    return _grouped(pairs)


def _text_field(part: Message) -> tuple[str, str] | None:
    name = part.get_param("name", header="content-disposition")
    if not isinstance(name, str) or part.get_filename() is not None:
        return None
    payload = part.get_payload(decode=True)
    return name, _text(payload if isinstance(payload, bytes) else b"")


def _text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise WebhookRejected(400, "the body is not UTF-8 text") from None


def _grouped(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name, value in pairs:
        if name not in fields:
            fields[name] = value
        elif isinstance(fields[name], list):
            fields[name].append(value)
        else:
            fields[name] = [fields[name], value]
    return fields
