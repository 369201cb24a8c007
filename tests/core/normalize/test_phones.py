from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from core.normalize.phones import normalize_phone, tail


@pytest.mark.parametrize(
    ("raw", "region", "e164", "country"),
    [
        ("+1 (650) 253-0000", None, "+16502530000", "US"),
        ("(650) 253-0000", "US", "+16502530000", "US"),
        ("650.253.0000", "us", "+16502530000", "US"),
        ("020 7946 0958", "GB", "+442079460958", "GB"),
        ("0044 20 7946 0958", "DE", "+442079460958", "GB"),
        ("+44 (0)20 7946 0958", None, "+442079460958", "GB"),
        ("tel:+44-20-7946-0958", None, "+442079460958", "GB"),
        ("+49 151 23456789", None, "+4915123456789", "DE"),
        ("030 123456", "DE", "+4930123456", "DE"),
        ("1-800-FLOWERS", "US", "+18003569377", "US"),
        ("  +33 1 42 68 53 00  ", None, "+33142685300", "FR"),
    ],
)
def test_valid_numbers_become_e164(raw: str, region: str | None, e164: str, country: str) -> None:
    result = normalize_phone(raw, region)
    assert result.valid, result.error
    assert result.e164 == e164
    assert result.normalized == e164
    assert result.region == country
    assert result.error is None
    assert result.raw == raw


def test_number_type_is_reported() -> None:
    assert normalize_phone("+49 151 23456789").number_type == "mobile"
    assert normalize_phone("+44 20 7946 0958").number_type == "fixed_line"
    assert normalize_phone("+1 800 356 9377").number_type == "toll_free"
    assert normalize_phone("+1 650 253 0000").number_type == "fixed_line_or_mobile"


@pytest.mark.parametrize(
    ("raw", "e164", "extension"),
    [
        ("+1 650-253-0000 ext. 123", "+16502530000", "123"),
        ("+44 20 7946 0958 x12", "+442079460958", "12"),
        ("+1 (650) 253-0000 #4567", "+16502530000", "4567"),
    ],
)
def test_extension_is_kept_apart_from_the_e164_number(raw: str, e164: str, extension: str) -> None:
    result = normalize_phone(raw)
    assert result.valid
    assert result.e164 == e164
    assert result.extension == extension


def test_no_extension_is_none_not_empty() -> None:
    assert normalize_phone("+44 20 7946 0958").extension is None


@pytest.mark.parametrize(
    ("raw", "region", "reason"),
    [
        ("", None, "empty"),
        (None, None, "empty"),
        ("415-555-2671", None, "no country code and no default region"),
        ("415-555-2671", "XX", "invalid or missing country code"),
        ("+999 123 4567", None, "invalid or missing country code"),
        ("call me maybe", None, "not a phone number"),
        ("+1 555 0100", None, "too short"),
        ("+44 20 7946", None, "too short"),
        ("+1 650 253 0000 0000 0000", None, "too long"),
        ("+1 023 456 7890", None, "not a valid number for its region"),
    ],
)
def test_invalid_numbers_are_kept_raw_with_a_reason(
    raw: str | None, region: str | None, reason: str
) -> None:
    result = normalize_phone(raw, region)
    assert not result.valid
    assert result.error == reason
    assert result.raw == raw
    assert result.e164 is None


def test_tail_takes_the_last_digits() -> None:
    assert tail("+442079460958") == "9460958"
    assert tail("+442079460958", n=4) == "0958"
    assert tail("+1234", n=7) is None
    assert tail(None) is None


# --- properties -------------------------------------------------------------

_TYPES = (PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE, PhoneNumberType.TOLL_FREE)
_EXAMPLES = [
    number
    for region in sorted(phonenumbers.SUPPORTED_REGIONS)
    for kind in _TYPES
    if (number := phonenumbers.example_number_for_type(region, kind)) is not None
]
_FORMATS = (
    PhoneNumberFormat.E164,
    PhoneNumberFormat.INTERNATIONAL,
    PhoneNumberFormat.NATIONAL,
    PhoneNumberFormat.RFC3966,
)


@settings(deadline=None)
@given(st.sampled_from(_EXAMPLES), st.sampled_from(_FORMATS))
def test_example_numbers_in_any_format_round_trip_through_e164(
    number: phonenumbers.PhoneNumber, style: int
) -> None:
    region = phonenumbers.region_code_for_number(number)
    first = normalize_phone(phonenumbers.format_number(number, style), region)
    assert first.valid, first.error
    assert first.e164 == phonenumbers.format_number(number, PhoneNumberFormat.E164)
    again = normalize_phone(first.e164)
    assert again.e164 == first.e164
    assert again.region == first.region


@settings(deadline=None)
@given(st.from_regex(r"\+[1-9][0-9]{6,14}", fullmatch=True))
def test_parsing_an_e164_output_gives_the_same_e164(raw: str) -> None:
    first = normalize_phone(raw)
    if first.valid:
        assert normalize_phone(first.e164).e164 == first.e164
        assert normalize_phone(first.e164, "US").e164 == first.e164


@settings(deadline=None)
@given(st.text(max_size=40), st.sampled_from([None, "US", "GB", "de", "XX", ""]))
def test_any_text_gives_a_result_never_an_exception(raw: str, region: str | None) -> None:
    result = normalize_phone(raw, region)
    assert result.valid == (result.error is None)
    assert result.valid == (result.e164 is not None)
