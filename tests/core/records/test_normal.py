"""The cached normalizers give exactly what the plain ones give, however they are reached."""

from __future__ import annotations

import pytest

from core.ahead import computed_ahead
from core.normalize import normalize_phone
from core.records import normal


@pytest.mark.parametrize(
    ("raw", "region"),
    [("(206) 769-6117", "US"), ("020 7946 0958", "GB"), ("06 12 34 56 78", "FR")],
)
def test_an_e164_number_seen_first_in_national_form_reads_as_if_parsed(
    raw: str, region: str
) -> None:
    national = normal.phone(raw, region)
    assert national == normalize_phone(raw, region)
    assert national.e164 is not None
    for other in (None, "US", "GB", "DE"):
        assert normal.phone(national.e164, other) == normalize_phone(national.e164, other)


def test_a_number_with_a_plus_ignores_the_region_and_invalid_ones_stay_invalid() -> None:
    assert normal.phone("+44 20 7946 0958", "US") == normalize_phone("+44 20 7946 0958", "US")
    assert normal.phone("+1 12", "US") == normalize_phone("+1 12", None)
    assert not normal.phone("+1 12", "US").valid


def _parse_in_child(state: None, values: tuple[str, str, str]) -> normal.Learned:
    full_name, email, phone = values
    with normal.recording() as learned:
        normal.name(full_name)
        normal.email(email)
        normal.phone(phone, "GB")
    return learned


def test_what_a_child_process_parsed_is_remembered_here(monkeypatch: pytest.MonkeyPatch) -> None:
    values = ("Dr. Ximena Q. Oyelaran-Bick", "X.Oyelaran@Example.org", "020 7946 0123")
    [(_, learned)] = computed_ahead(_parse_in_child, None, [values], workers=1)
    assert {name for name, pairs in learned.items() if pairs} == {"name", "email", "phone"}

    def never(*args: object) -> None:
        raise AssertionError(f"parsed again here: {args}")

    for memo in ("name", "email", "_phone"):
        monkeypatch.setattr(getattr(normal, memo), "function", never)
    normal.remember(learned)
    assert normal.name(values[0]).given == "Ximena"
    assert normal.email(values[1]).normalized == "x.oyelaran@example.org"
    assert normal.phone(values[2], "GB").e164 == "+442079460123"
    assert normal.phone("+442079460123", None).raw == "+442079460123"  # its E.164 spelling too


def test_recording_notes_only_what_was_parsed_inside_the_block() -> None:
    normal.name("Quentin Before-Block")
    with normal.recording() as learned:
        normal.name("Quentin Before-Block")  # known already: nothing new
        normal.name("Rosalind Inside-Block")
    normal.name("Silvester After-Block")
    assert [key for key, _ in learned["name"]] == [("Rosalind Inside-Block",)]
