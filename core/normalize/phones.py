"""Phone numbers: E.164 is the one spelling every tool's number is compared in.

Parsing and validation use phonenumbers (libphonenumber's metadata). A national
number needs a default region ("020 7946 0958" is only a London number if the
record's country is GB); without one it is kept raw and flagged, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType
from phonenumbers import ValidationResult as Possible

_TYPE_NAMES: dict[int, str] = {
    PhoneNumberType.FIXED_LINE: "fixed_line",
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
    PhoneNumberType.TOLL_FREE: "toll_free",
    PhoneNumberType.PREMIUM_RATE: "premium_rate",
    PhoneNumberType.SHARED_COST: "shared_cost",
    PhoneNumberType.VOIP: "voip",
    PhoneNumberType.PERSONAL_NUMBER: "personal_number",
    PhoneNumberType.PAGER: "pager",
    PhoneNumberType.UAN: "uan",
    PhoneNumberType.VOICEMAIL: "voicemail",
    PhoneNumberType.UNKNOWN: "unknown",
}

_PARSE_REASONS: dict[int, str] = {
    NumberParseException.INVALID_COUNTRY_CODE: "invalid or missing country code",
    NumberParseException.NOT_A_NUMBER: "not a phone number",
    NumberParseException.TOO_SHORT_AFTER_IDD: "too short",
    NumberParseException.TOO_SHORT_NSN: "too short",
    NumberParseException.TOO_LONG: "too long",
}

_POSSIBLE_REASONS: dict[int, str] = {
    Possible.INVALID_COUNTRY_CODE: "invalid or missing country code",
    Possible.TOO_SHORT: "too short",
    Possible.TOO_LONG: "too long",
    Possible.INVALID_LENGTH: "invalid length",
    Possible.IS_POSSIBLE_LOCAL_ONLY: "too short",  # dialable locally only: no area code
}


@dataclass(frozen=True, slots=True)
class PhoneResult:
    """One normalized phone number; invalid input is kept in ``raw`` with a reason."""

    raw: str | None
    e164: str | None
    valid: bool
    error: str | None
    region: str | None  # ISO 3166-1 alpha-2, e.g. "GB"
    country_code: int | None
    number_type: str | None  # "mobile", "fixed_line", ...
    extension: str | None

    @property
    def normalized(self) -> str | None:
        """The E.164 form: the form other stages store and compare."""
        return self.e164


def normalize_phone(raw: str | None, default_region: str | None = None) -> PhoneResult:
    """Parse one number to E.164; never raises on bad input.

    Cached: one record's number is read by its mapping, its features and its activity,
    and parsing costs more than the rest of the record's normalization together.
    """
    if isinstance(raw, str) and (default_region is None or isinstance(default_region, str)):
        return _cached_parse(raw, default_region)
    return _parse(raw, default_region)


@lru_cache(maxsize=8192)
def _cached_parse(raw: str, default_region: str | None) -> PhoneResult:
    return _parse(raw, default_region)


def _parse(raw: str | None, default_region: str | None) -> PhoneResult:
    text = (raw or "").strip()
    if not text:
        return _invalid(raw, "empty")
    region = default_region.strip().upper() if default_region else None
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException as exc:
        reason = _PARSE_REASONS.get(exc.error_type, "not a phone number")
        if exc.error_type == NumberParseException.INVALID_COUNTRY_CODE and _national(text, region):
            reason = "no country code and no default region"
        return _invalid(raw, reason)
    if not phonenumbers.is_valid_number(number):
        possible = phonenumbers.is_possible_number_with_reason(number)
        reason = _POSSIBLE_REASONS.get(possible, "not a valid number for its region")
        return _invalid(raw, reason, country_code=number.country_code)
    return PhoneResult(
        raw=raw,
        e164=phonenumbers.format_number(number, PhoneNumberFormat.E164),
        valid=True,
        error=None,
        region=phonenumbers.region_code_for_number(number),
        country_code=number.country_code,
        number_type=_TYPE_NAMES.get(phonenumbers.number_type(number), "unknown"),
        extension=number.extension or None,
    )


def tail(e164: str | None, n: int = 7) -> str | None:
    """The last ``n`` digits: a blocking key that survives a wrong or missing country code."""
    digits = "".join(ch for ch in (e164 or "") if ch in "0123456789")
    if n <= 0 or len(digits) < n:
        return None
    return digits[-n:]


def _national(text: str, region: str | None) -> bool:
    """True when a number has no country code and nothing says which country it is in."""
    return region is None and "+" not in text


def _invalid(raw: str | None, reason: str, *, country_code: int | None = None) -> PhoneResult:
    """An invalid result that keeps the raw value and says why."""
    return PhoneResult(
        raw=raw,
        e164=None,
        valid=False,
        error=reason,
        region=None,
        country_code=country_code,
        number_type=None,
        extension=None,
    )
