"""Telling different people apart by name, which guards and demotes shared keys."""

import pytest

from core.identity.features import extract
from core.identity.people import count_people, distinct_people


@pytest.mark.parametrize(
    ("left", "right", "distinct"),
    [
        (
            {"given_name": "Ann", "family_name": "Lee"},
            {"given_name": "Ben", "family_name": "Lee"},
            True,
        ),
        (
            {"given_name": "Jane", "family_name": "Smith"},
            {"given_name": "Jane", "family_name": "Doe"},
            True,  # perhaps married: scoring and review decide, not the shared key
        ),
        (
            {"given_name": "Bill", "family_name": "Melland"},
            {"given_name": "Will", "family_name": "Cranedale"},
            True,
        ),
        (
            {"given_name": "Bill", "family_name": "Melland"},
            {"given_name": "William", "family_name": "Meland"},
            False,
        ),
        ({"given_name": "Bob"}, {"given_name": "Robert"}, False),
        ({"given_name": "Robert"}, {"given_name": "William"}, True),  # not via "Bill"
        ({"given_name": "J."}, {"given_name": "John"}, False),
        ({"given_name": "Jon"}, {"given_name": "John"}, False),
        (
            {"given_name": "Kyue", "family_name": "Langworth"},
            {"given_name": "Kyle", "family_name": "Langworth"},
            False,  # a typo, not a second person
        ),
        ({"given_name": "Jen"}, {"given_name": "Jenniefr"}, False),
        ({"given_name": "Jon"}, {"given_name": "Jan"}, True),
        ({"family_name": "Lee"}, {"family_name": "Garcia"}, True),
        ({"family_name": "Smith"}, {"family_name": "Smyth"}, False),
        ({"given_name": "Ann"}, {"family_name": "Garcia"}, False),
        ({}, {"given_name": "Ann"}, False),
    ],
)
def test_distinct_people(left: dict, right: dict, distinct: bool) -> None:
    assert distinct_people(extract(left), extract(right)) is distinct
    assert distinct_people(extract(right), extract(left)) is distinct


def test_counting_people_behind_one_key() -> None:
    records = [
        {"given_name": "Ann", "family_name": "Lee"},
        {"given_name": "Annie", "family_name": "Lee"},
        {"given_name": "Ben", "family_name": "Lee"},
        {},
        {"given_name": "Cara", "family_name": "Lee"},
    ]
    assert count_people(extract(r) for r in records) == 3
