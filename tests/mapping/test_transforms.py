"""Every transform, on good values, edge cases and values it must refuse."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from mapping.errors import TransformFailed
from mapping.names import split_name
from mapping.steps import Step, parse_step
from mapping.transforms import TRANSFORMS


def step(entry: Any) -> Step:
    compiled, errors = parse_step(entry, "t")
    assert errors == []
    assert compiled is not None
    return compiled


def run(entry: Any, value: Any) -> Any:
    result, problems = step(entry).run(value)
    assert problems == []
    return result


def test_registry_lists_every_documented_transform() -> None:
    assert set(TRANSFORMS) == {
        "trim", "lower", "upper", "unescape_html", "e164", "parse_date", "map", "default",
        "concat", "first_non_empty", "split", "int", "split_name", "parse_addresses",
    }  # fmt: skip
    assert all(spec.help for spec in TRANSFORMS.values())


@pytest.mark.parametrize(
    ("entry", "value", "expected"),
    [
        ("trim", "  Ann  ", "Ann"),
        ("trim", "\tAnn\n", "Ann"),
        ("lower", "Ann@Example.COM", "ann@example.com"),
        ("upper", "gb", "GB"),
        ("unescape_html", "here&#39;s R&amp;D", "here's R&D"),
        ("trim", 42, "42"),
        ("lower", 4.5, "4.5"),
    ],
)
def test_text_transforms(entry: str, value: Any, expected: str) -> None:
    assert run(entry, value) == expected


def test_text_transforms_apply_to_each_item_of_a_list() -> None:
    assert run("trim", [" a ", None, "", ["  b"]]) == ["a", "b"]


def test_a_missing_value_stays_missing() -> None:
    assert run("lower", None) is None


def test_text_transform_refuses_an_object() -> None:
    with pytest.raises(TransformFailed, match="expected text, got an object"):
        step("trim").run({"a": 1})


def test_bad_items_are_dropped_and_reported_the_others_kept() -> None:
    result, problems = step("lower").run(["A", {"x": 1}, True, "B"])
    assert result == ["a", "b"]
    assert problems == ["expected text, got an object", "expected text, got true/false"]


@pytest.mark.parametrize(
    ("entry", "value", "expected"),
    [
        ({"e164": "US"}, "(415) 555-0132", "+14155550132"),
        ({"e164": {"region": "gb"}}, "020 7946 0958", "+442079460958"),
        ("e164", "+1 415 555 0132", "+14155550132"),
        ("e164", 14155550132, None),  # digits without + and without region: refused below
    ],
)
def test_e164(entry: Any, value: Any, expected: str | None) -> None:
    if expected is None:
        with pytest.raises(TransformFailed):
            step(entry).run(value)
    else:
        assert run(entry, value) == expected


def test_e164_says_why_a_number_is_unusable() -> None:
    with pytest.raises(TransformFailed, match="no country code and no default region"):
        step("e164").run("020 7946 0958")


def test_e164_keeps_good_numbers_of_a_list() -> None:
    result, problems = step({"e164": "US"}).run(["415-555-0132", "client:alice"])
    assert result == ["+14155550132"]
    assert problems == ["not a usable phone number (not a phone number)"]


PARIS = {"parse_date": {"format": "%d/%m/%Y %H:%M", "timezone": "Europe/Paris"}}


@pytest.mark.parametrize(
    ("entry", "value", "expected"),
    [
        ("parse_date", "2024-01-02T10:00:00Z", datetime(2024, 1, 2, 10, tzinfo=UTC)),
        ("parse_date", "2024-01-02T12:00:00+02:00", datetime(2024, 1, 2, 10, tzinfo=UTC)),
        ("parse_date", "2024-01-02 10:00:00", datetime(2024, 1, 2, 10, tzinfo=UTC)),
        ("parse_date", "2024-01-02", date(2024, 1, 2)),
        ("parse_date", 1700000000, datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        ("parse_date", "1700000000000", datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        ("parse_date", 1700000000.5, datetime(2023, 11, 14, 22, 13, 20, 500000, tzinfo=UTC)),
        (
            "parse_date",
            "Tue, 14 Nov 2023 23:13:20 +0100",
            datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC),
        ),
        ({"parse_date": "epoch"}, "1700000000", datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        ({"parse_date": "epoch_ms"}, 1700000000000, datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        ({"parse_date": "epoch_ms"}, 5, datetime(1970, 1, 1, 0, 0, 0, 5000, tzinfo=UTC)),
        ({"parse_date": "iso"}, "2024-02-29", date(2024, 2, 29)),
        ({"parse_date": "%d/%m/%Y"}, "01/02/1990", date(1990, 2, 1)),
        (PARIS, "01/07/2024 12:00", datetime(2024, 7, 1, 10, tzinfo=UTC)),
        (
            {"parse_date": {"timezone": "America/New_York"}},
            "2024-01-02 10:00",
            datetime(2024, 1, 2, 15, tzinfo=UTC),
        ),
        (
            "parse_date",
            datetime(2024, 1, 2, 11, tzinfo=timezone(timedelta(hours=1))),
            datetime(2024, 1, 2, 10, tzinfo=UTC),
        ),
        ("parse_date", date(2024, 1, 2), date(2024, 1, 2)),
    ],
)
def test_parse_date(entry: Any, value: Any, expected: Any) -> None:
    result = run(entry, value)
    assert result == expected
    assert type(result) is type(expected)
    if isinstance(result, datetime):
        assert result.tzinfo is UTC


@pytest.mark.parametrize(
    ("entry", "value", "problem"),
    [
        ("parse_date", "next Tuesday", "give parse_date a format"),
        ("parse_date", "2024-13-45", "could not be read as a date"),
        ({"parse_date": "%d/%m/%Y"}, "1990-02-01", "in the format %d/%m/%Y"),
        ({"parse_date": "iso"}, "Tue, 14 Nov 2023 22:13:20 +0000", "in the format iso"),
        ({"parse_date": "rfc2822"}, "2024-01-02", "in the format rfc2822"),
        ({"parse_date": "epoch"}, "soon", "seconds since 1970"),
        ({"parse_date": "epoch"}, "nan", "finite"),
        ("parse_date", 10**30, "out of range"),
        ("parse_date", True, "true/false"),
        ("parse_date", {"a": 1}, "expected text"),
    ],
)
def test_parse_date_refuses_what_it_cannot_read(entry: Any, value: Any, problem: str) -> None:
    with pytest.raises(TransformFailed, match=problem):
        step(entry).run(value)


STAGES = {"map": {"subscribed": "lead", "Pending": "lead", "1": "customer", "true": "other"}}


@pytest.mark.parametrize(
    ("entry", "value", "expected"),
    [
        (STAGES, "subscribed", "lead"),
        (STAGES, " SUBSCRIBED ", "lead"),
        (STAGES, "pending", "lead"),
        (STAGES, 1, "customer"),
        (STAGES, True, "other"),
        (STAGES, "cleaned", "cleaned"),
        ({**STAGES, "default": "other"}, "cleaned", "other"),
        ({"map": {"a": "x"}, "default": None}, ["a", "b", "a"], ["x", "x"]),
    ],
)
def test_map(entry: Any, value: Any, expected: Any) -> None:
    assert run(entry, value) == expected


def test_map_with_null_default_leaves_the_value_out() -> None:
    assert run({"map": {"a": "x"}, "default": None}, "b") is None


def test_default_fills_only_empty_values() -> None:
    assert run({"default": "inbound"}, None) == "inbound"
    assert run({"default": "inbound"}, "  ") == "inbound"
    assert run({"default": "inbound"}, []) == "inbound"
    assert run({"default": "inbound"}, "outbound") == "outbound"
    assert run({"default": 0}, None) == 0


@pytest.mark.parametrize(
    ("entry", "value", "expected"),
    [
        ("concat", ["Ann", None, " ", "Lee"], "Ann Lee"),
        ({"concat": ", "}, ["a", ["b", "c"]], "a, b, c"),
        ({"concat": {"sep": ""}}, ["+1", 415], "+1415"),
        ("concat", "alone", "alone"),
        ("concat", [], None),
        ("concat", None, None),
    ],
)
def test_concat(entry: Any, value: Any, expected: Any) -> None:
    assert run(entry, value) == expected


def test_concat_refuses_objects() -> None:
    with pytest.raises(TransformFailed):
        step("concat").run([{"a": 1}])


@pytest.mark.parametrize(
    ("value", "expected"),
    [([None, "", "b", "c"], "b"), ([[], "x"], "x"), ("solo", "solo"), ([], None), (None, None)],
)
def test_first_non_empty(value: Any, expected: Any) -> None:
    assert run("first_non_empty", value) == expected


@pytest.mark.parametrize(
    ("entry", "value", "expected"),
    [
        ("split", "a, b,,c ", ["a", "b", "c"]),
        ({"split": ";"}, "a;b", ["a", "b"]),
        ({"split": ";"}, ["a;b", "c"], ["a", "b", "c"]),
        ("split", ",", []),
    ],
)
def test_split(entry: Any, value: Any, expected: Any) -> None:
    assert run(entry, value) == expected


@pytest.mark.parametrize(("value", "expected"), [("42", 42), (" 7 ", 7), (42.0, 42), (0, 0)])
def test_int(value: Any, expected: int) -> None:
    assert run("int", value) == expected


@pytest.mark.parametrize("value", ["4.5", "abc", True, 4.5, "1e400x"])
def test_int_refuses_what_is_not_a_whole_number(value: Any) -> None:
    with pytest.raises(TransformFailed):
        step("int").run(value)


@pytest.mark.parametrize(
    ("full", "given", "family"),
    [
        ("Jane Doe", "Jane", "Doe"),
        ("  Jane   Doe  ", "Jane", "Doe"),
        ("Doe, Jane", "Jane", "Doe"),
        ("Doe,, Jane", "Jane", "Doe"),
        ("Mary Ann Smith", "Mary Ann", "Smith"),
        ("Ludwig van Beethoven", "Ludwig", "van Beethoven"),
        ("Maria de la Cruz", "Maria", "de la Cruz"),
        ("Dr. Jane Doe", "Jane", "Doe"),
        ("Martin Luther King Jr.", "Martin Luther", "King Jr."),
        ("Martin Luther King, Jr.", "Martin Luther", "King Jr."),
        ("Cher", "Cher", None),
        ("Mr. Bean", "Bean", None),
        ("Van Morrison", "Van", "Morrison"),
    ],
)
def test_split_name(full: str, given: str, family: str | None) -> None:
    assert run("split_name", full) == (given, family)
    assert run({"split_name": "given"}, full) == given
    assert run({"split_name": {"part": "family"}}, full) == family


def test_commas_alone_are_no_name() -> None:
    assert split_name(",,") == (None, None)
    assert split_name(" , ,") == (None, None)


def test_parse_addresses_reads_mail_headers() -> None:
    header = '"Doe, Jane" <jane@example.com>, bob@example.com, Undisclosed recipients:;'
    assert run("parse_addresses", header) == [
        {"email": "jane@example.com", "name": "Doe, Jane"},
        {"email": "bob@example.com", "name": None},
    ]


def test_parse_addresses_refuses_text_without_an_address() -> None:
    with pytest.raises(TransformFailed, match="no email address"):
        step("parse_addresses").run("Jane Doe")
