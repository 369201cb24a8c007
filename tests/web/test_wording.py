"""Small pure helpers: redirect targets, durations and ages in words."""

from __future__ import annotations

import pytest

from web.auth.identity import safe_next
from web.health import describe_age
from web.text import as_sentence, describe_wait


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/users", "/users"),
        ("/audit-log?page=2", "/audit-log?page=2"),
        ("//evil.example/", None),
        ("/\t/evil.example", None),
        ("/\\evil.example", None),
        ("https://evil.example/", None),
        ("javascript:alert(1)", None),
        ("users", None),
        ("", None),
        (None, None),
    ],
)
def test_safe_next_keeps_only_local_paths(target: str | None, expected: str | None) -> None:
    assert safe_next(target) == expected


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(1, "1 second"), (45, "45 seconds"), (900, "15 minutes"), (90, "2 minutes")],
)
def test_describe_wait(seconds: int, words: str) -> None:
    assert describe_wait(seconds) == words


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(-3, "0 s ago"), (59.9, "59 s ago"), (300, "5 min ago"), (7200, "2 h ago"), (9e4, "1 d ago")],
)
def test_describe_age(seconds: float, words: str) -> None:
    assert describe_age(seconds) == words


def test_as_sentence_capitalizes_and_ends_with_a_stop() -> None:
    assert as_sentence("a user with the email x already exists") == (
        "A user with the email x already exists."
    )
    assert as_sentence("Done!") == "Done!"
