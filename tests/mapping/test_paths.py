"""Source paths: syntax, resolution, wildcards, filters and what a dead end reports."""

from __future__ import annotations

import pytest

from mapping.paths import Each, Index, Key, PathSyntaxError, Where, parse_path

MESSAGE = {
    "payload": {
        "headers": [
            {"name": "From", "value": "jane@example.com"},
            {"name": "To", "value": "sam@example.com"},
            {"name": "Received", "value": "hop 1"},
            {"name": "received", "value": "hop 2"},
        ]
    },
    "toRecipients": [
        {"emailAddress": {"address": "a@example.com"}},
        {"emailAddress": {"name": "no address"}},
        {"emailAddress": {"address": "b@example.com"}},
    ],
    "contact": None,
    "weird.key": {"data[merges][FNAME]": "Kim"},
    "First Name": "Ann",
}


def test_parse_reads_each_kind_of_step() -> None:
    path = parse_path("""a.b-c[0][-1][*][name=From]["x.y"]['z']""")
    assert path.steps == (
        Key("a"),
        Key("b-c"),
        Index(0),
        Index(-1),
        Each(),
        Where("name", "From"),
        Key("x.y"),
        Key("z"),
    )


def test_filter_value_may_be_quoted() -> None:
    assert parse_path('h[name="Message-ID"]').steps[1] == Where("name", "Message-ID")


def test_a_path_may_start_with_an_index_for_list_payloads() -> None:
    assert parse_path("[0].id").resolve([{"id": 7}]).value == 7


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "non-empty"),
        ("  ", "non-empty"),
        (" a", "spaces"),
        ("a..b", "empty name before '.' at position 3"),
        (".a", "empty name before '.' at position 1"),
        ("a.", "cannot end with '.'"),
        ("a[0", "never closed"),
        ("a]", "']' without '['"),
        ("a[]", "is not a list index"),
        ("a[x y]", "is not a list index"),
        ("a.[0]", "a name must follow '.'"),
        ("a[0]b", "expected '.' or '['"),
        ("a['']", "quoted key cannot be empty"),
        ("a['b]", "never closed"),
    ],
)
def test_bad_syntax_is_refused_with_a_reason(text: str, problem: str) -> None:
    with pytest.raises(PathSyntaxError, match=problem.replace("[", r"\[").replace("]", r"\]")):
        parse_path(text)


def test_a_path_that_is_not_text_is_refused() -> None:
    with pytest.raises(PathSyntaxError):
        parse_path(5)


def test_plain_path_yields_one_value() -> None:
    found = parse_path("payload.headers[1].value").resolve(MESSAGE)
    assert found.found
    assert found.value == "sam@example.com"
    assert not found.many


def test_negative_index_counts_from_the_end() -> None:
    assert parse_path("payload.headers[-1].value").resolve(MESSAGE).value == "hop 2"


def test_wildcard_yields_every_item_that_has_the_rest_of_the_path() -> None:
    found = parse_path("toRecipients[*].emailAddress.address").resolve(MESSAGE)
    assert found.value == ["a@example.com", "b@example.com"]
    assert found.many


def test_filter_compares_ignoring_case_and_may_match_several() -> None:
    found = parse_path("payload.headers[name=RECEIVED].value").resolve(MESSAGE)
    assert found.value == ["hop 1", "hop 2"]


def test_quoted_keys_reach_keys_with_dots_and_brackets() -> None:
    found = parse_path('["weird.key"]["data[merges][FNAME]"]').resolve(MESSAGE)
    assert found.value == "Kim"


def test_keys_may_hold_spaces() -> None:
    assert parse_path("First Name").resolve(MESSAGE).value == "Ann"


def test_at_sign_is_the_value_itself() -> None:
    assert parse_path("@").resolve("x").value == "x"


@pytest.mark.parametrize(
    "text",
    [
        "nope",
        "payload.headers[9].value",
        "payload.headers[-9].value",
        "contact.first_name",
        "payload[*]",
        "payload.headers[name=Bcc].value",
        "payload.headers.name",
        "First Name.x",
    ],
)
def test_missing_paths_yield_nothing_without_raising(text: str) -> None:
    found = parse_path(text).resolve(MESSAGE)
    assert not found.found
    assert found.value in (None, [])
    assert found.hint


def test_wildcard_that_matches_nothing_yields_an_empty_list() -> None:
    found = parse_path("payload.headers[name=Bcc].value").resolve(MESSAGE)
    assert found.value == []


def test_hint_says_how_to_reach_into_a_list() -> None:
    hint = parse_path("toRecipients.emailAddress").resolve(MESSAGE).hint
    assert hint == (
        "toRecipients holds a list: write toRecipients[*] or toRecipients[0] before .emailAddress"
    )


def test_hint_for_a_list_payload_read_by_key() -> None:
    hint = parse_path("id").resolve([{"id": 1}]).hint
    assert hint is not None
    assert hint.startswith("the payload is a list")


def test_hint_names_the_part_that_was_not_found() -> None:
    assert (
        parse_path("payload.nothing.deeper").resolve(MESSAGE).hint == "nothing at payload.nothing"
    )


@pytest.mark.parametrize("payload", [None, 3, "text", [], True])
def test_any_payload_is_safe(payload: object) -> None:
    assert not parse_path("a.b[0][*]").resolve(payload).found
