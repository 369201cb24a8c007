from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.normalize.names import (
    canonical_given_names,
    given_names_compatible,
    parse_name,
    split_full_name,
)


@pytest.mark.parametrize(
    ("raw", "given", "family", "full"),
    [
        ("Jane Smith", "Jane", "Smith", "Jane Smith"),
        ("Smith, Jane", "Jane", "Smith", "Jane Smith"),
        ("DR. JANE SMITH", "Jane", "Smith", "Dr. Jane Smith"),
        ("jane smith", "Jane", "Smith", "Jane Smith"),
        ("Jane SMITH", "Jane", "Smith", "Jane Smith"),
        ("pat o'neil", "Pat", "O'Neil", "Pat O'Neil"),
        ("jan van der berg", "Jan", "van der Berg", "Jan van der Berg"),
        ("van der Berg, Jan", "Jan", "van der Berg", "Jan van der Berg"),
        ("ronald mcdonald", "Ronald", "McDonald", "Ronald McDonald"),
        ("JAMES MACDONALD", "James", "MacDonald", "James MacDonald"),
        ("Danny DeVito", "Danny", "DeVito", "Danny DeVito"),
        ("MARY-JANE WATSON-PARKER", "Mary-Jane", "Watson-Parker", "Mary-Jane Watson-Parker"),
        ("josé   garcía", "José", "García", "José García"),
        ("de la Cruz, Juan", "Juan", "de la Cruz", "Juan de la Cruz"),
    ],
)
def test_names_are_split_and_capitalised(raw: str, given: str, family: str, full: str) -> None:
    result = parse_name(raw)
    assert result.valid, result.error
    assert (result.given, result.family, result.full) == (given, family, full)
    assert result.normalized == full
    assert result.raw == raw


def test_titles_middle_names_and_suffixes_are_kept_apart() -> None:
    result = parse_name("Kennedy, John A., Jr.")
    assert (result.given, result.middle, result.family, result.suffix) == (
        "John",
        "A.",
        "Kennedy",
        "Jr.",
    )
    assert result.full == "John A. Kennedy Jr."
    doctor = parse_name("Prof. Dr. Hans Müller")
    assert doctor.title == "Prof. Dr."
    assert (doctor.given, doctor.family) == ("Hans", "Müller")
    assert doctor.middle is None


def test_a_quoted_nickname_is_kept_out_of_the_display_name() -> None:
    result = parse_name('Robert "Bob" Smith')
    assert result.nickname == "Bob"
    assert result.full == "Robert Smith"


def test_a_single_word_is_taken_as_the_given_name() -> None:
    result = parse_name("o'neil")
    assert result.valid
    assert result.given == "O'Neil"
    assert result.family is None


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        (None, "empty"),
        ("jane@example.com", "looks like an email address"),
        ("12345", "no letters"),
        ("Mr.", "no given or family name"),
    ],
)
def test_unusable_names_are_kept_raw_with_a_reason(raw: str | None, reason: str) -> None:
    result = parse_name(raw)
    assert not result.valid
    assert result.error == reason
    assert result.raw == raw
    assert result.full is None


def test_split_full_name_returns_given_and_family() -> None:
    assert split_full_name("Smith, Jane") == ("Jane", "Smith")
    assert split_full_name("Ms. Jane Q. Smith") == ("Jane", "Smith")
    assert split_full_name("") == (None, None)


@pytest.mark.parametrize(
    ("nickname", "canonical"),
    [
        ("Bob", "robert"),
        ("Bill", "william"),
        ("Liz", "elizabeth"),
        ("Beth", "elizabeth"),
        ("Peggy", "margaret"),
        ("Jim", "james"),
        ("Kate", "katherine"),
        ("Mike", "michael"),
        ("Chuck", "charles"),
        ("Ted", "edward"),
    ],
)
def test_nicknames_map_to_their_canonical_names(nickname: str, canonical: str) -> None:
    names = canonical_given_names(nickname)
    assert canonical in names
    assert nickname.lower() in names


def test_canonical_names_are_folded_and_include_the_name_itself() -> None:
    assert canonical_given_names("  ÉLODIE ") == {"elodie"}
    assert canonical_given_names("") == set()
    assert canonical_given_names(None) == set()


def test_given_names_compatible_uses_the_nickname_groups() -> None:
    assert given_names_compatible("Bob", "Robert")
    assert given_names_compatible("William", "Bill")
    assert given_names_compatible("Ann", "ANN")
    assert not given_names_compatible("Robert", "Margaret")
    assert not given_names_compatible("Bob", None)


def test_a_short_form_two_full_names_share_does_not_make_them_one_name() -> None:
    assert {"bill"} <= canonical_given_names("Robert") & canonical_given_names("William")
    assert not given_names_compatible("Robert", "William")
    assert not given_names_compatible("Laura", "Lawrence")
    assert given_names_compatible("Bob", "Rob")  # both short for Robert, which is longer
    assert given_names_compatible("Kate", "Kathy")
    assert given_names_compatible("Charlie", "Charles")  # a full form may be as long
    assert given_names_compatible("Harry", "Henry")


@settings(deadline=None)
@given(st.text(max_size=60))
def test_any_text_gives_a_result_never_an_exception(raw: str) -> None:
    result = parse_name(raw)
    assert result.valid == (result.error is None)
    assert result.valid == (result.full is not None)
