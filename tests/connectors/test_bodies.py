"""Reading hostile webhook bodies: linear depth checks, capped forms, clear refusals."""

from __future__ import annotations

import time

import pytest

from connectors.base import WebhookRejected
from connectors.bodies import (
    MAX_FORM_FIELDS,
    form_fields,
    json_object,
    multipart_fields,
    nesting_depth,
)


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        (b"{}", 1),
        (b'{"a": [1, {"b": 2}]}', 3),
        (b'{"a": "[[[[{{{{"}', 1),  # brackets in strings do not count
        (b'{"a": "\\"[[[[\\""}', 1),  # nor after escaped quotes
        (b'{"a": "\\\\", "b": [[1]]}', 3),  # an escaped backslash ends before the quote
        (b"[" * 50 + b"]" * 50, 50),
        (b'"unterminated [[[[', 0),
    ],
)
def test_nesting_depth_ignores_strings(text: bytes, depth: int) -> None:
    assert nesting_depth(text) == depth


def test_a_deeply_nested_megabyte_is_refused_quickly_without_recursion() -> None:
    body = b"[" * 1_000_000 + b"]" * 1_000_000
    started = time.perf_counter()
    with pytest.raises(WebhookRejected) as caught:
        json_object(body)
    assert caught.value.status == 400
    assert time.perf_counter() - started < 2.0


def test_json_at_the_depth_limit_is_read() -> None:
    body = b'{"a": ' * 31 + b'{"b": 1}' + b"}" * 31
    assert nesting_depth(body) == 32
    assert "a" in json_object(body)


def test_too_many_form_fields_are_refused() -> None:
    body = "&".join(f"f{n}=x" for n in range(MAX_FORM_FIELDS + 1)).encode()
    with pytest.raises(WebhookRejected) as caught:
        form_fields(body)
    assert caught.value.status == 400


def test_a_broken_multipart_body_is_refused() -> None:
    with pytest.raises(WebhookRejected) as caught:
        multipart_fields(b"no parts here", "multipart/form-data; boundary=abc")
    assert caught.value.status == 400
