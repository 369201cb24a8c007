"""The cached normalizers give exactly what the plain ones give, however they are reached."""

from __future__ import annotations

import pytest

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
