"""Event-type filters with wildcards."""

from __future__ import annotations

import pytest

from webhooks.outbound.filters import InvalidFilter, matches, normalize_filter


@pytest.mark.parametrize(
    ("event_type", "patterns", "expected"),
    [
        ("customer.updated", ["customer.*"], True),
        ("customer.erased", ["customer.*"], True),
        ("customer.email.changed", ["customer.*"], True),
        ("customer", ["customer.*"], False),
        ("customers.updated", ["customer.*"], False),
        ("activity.logged", ["customer.*"], False),
        ("activity.logged", ["activity.logged"], True),
        ("activity.deleted", ["activity.logged"], False),
        ("activity.logged", ["customer.*", "activity.logged"], True),
        ("customer.created", ["*.created"], True),
        ("customer.updated", ["*.created"], False),
        ("anything.at.all", ["*"], True),
        ("customer.updated", [], False),
    ],
)
def test_matching(event_type: str, patterns: list[str], expected: bool) -> None:
    assert matches(event_type, patterns) is expected


def test_patterns_are_normalized_and_deduplicated() -> None:
    assert normalize_filter([" Customer.* ", "customer.*", "activity.logged"]) == [
        "customer.*",
        "activity.logged",
    ]


@pytest.mark.parametrize("bad", [[], [""], ["customer..x"], ["customer.up*"], ["a b"], ["c.%"]])
def test_bad_patterns_are_refused(bad: list[str]) -> None:
    with pytest.raises(InvalidFilter):
        normalize_filter(bad)
