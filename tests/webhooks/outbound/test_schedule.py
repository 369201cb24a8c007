"""The retry schedule, Retry-After, and the delivery options that configure them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from webhooks.outbound.options import (
    DEFAULT_SCHEDULE,
    DeliveryOptions,
    InvalidOptions,
    options_from,
)
from webhooks.outbound.schedule import next_attempt_at, parse_retry_after

NOW = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)


def test_the_default_schedule() -> None:
    assert DEFAULT_SCHEDULE == (0, 5, 300, 1800, 7200, 18000, 36000, 36000)
    assert DeliveryOptions().max_attempts == 8


@pytest.mark.parametrize(
    ("attempts_made", "wait"),
    [(1, 5), (2, 300), (3, 1800), (4, 7200), (5, 18000), (6, 36000), (7, 36000)],
)
def test_each_failure_waits_for_the_next_entry(attempts_made: int, wait: int) -> None:
    assert next_attempt_at(attempts_made, NOW, DEFAULT_SCHEDULE) == NOW + timedelta(seconds=wait)


def test_after_the_last_attempt_there_is_none() -> None:
    assert next_attempt_at(8, NOW, DEFAULT_SCHEDULE) is None
    assert next_attempt_at(9, NOW, DEFAULT_SCHEDULE) is None


def test_the_whole_schedule_spans_about_28_hours() -> None:
    assert sum(DEFAULT_SCHEDULE) == 99305  # 27 h 35 min 5 s from the first attempt


def test_retry_after_counts_only_when_later_than_the_schedule() -> None:
    assert next_attempt_at(1, NOW, DEFAULT_SCHEDULE, retry_after=120) == NOW + timedelta(
        seconds=120
    )
    assert next_attempt_at(1, NOW, DEFAULT_SCHEDULE, retry_after=2) == NOW + timedelta(seconds=5)
    assert next_attempt_at(8, NOW, DEFAULT_SCHEDULE, retry_after=2) is None


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (" 7 ", 7.0),
        ("Wed, 01 May 2024 12:03:00 GMT", 180.0),
        ("Wed, 01 May 2024 11:00:00 GMT", 0.0),
        ("999999999", 86400.0),
        ("soon", None),
        ("-5", None),
        ("", None),
        (None, None),
    ],
)
def test_parsing_retry_after(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, NOW, ceiling=86400) == seconds


def test_options_can_be_overridden_from_a_stored_mapping() -> None:
    options = options_from({"retry_schedule": [0, 1, 2], "timeout_seconds": 3})
    assert options.retry_schedule == (0.0, 1.0, 2.0)
    assert options.max_attempts == 3
    assert options.timeout_seconds == 3
    assert options.lease_seconds == DeliveryOptions().lease_seconds


@pytest.mark.parametrize(
    "override",
    [
        {"retry_schedule": []},
        {"retry_schedule": [0, -1]},
        {"timeout_seconds": 0},
        {"lease_seconds": 10},  # shorter than a batch of 200 sends at 15 s, 16 at a time
        {"no_such_option": 1},
    ],
)
def test_options_that_cannot_work_are_refused(override: dict[str, object]) -> None:
    with pytest.raises(InvalidOptions):
        options_from(override)
