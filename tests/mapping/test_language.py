"""Applying a mapping: values, warnings, what is left out and why, preview, document text."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from typing import Any

import pytest

from mapping import (
    InvalidMapping,
    MappingWarning,
    compile_mapping,
    parse_document,
    preview,
)

BRIEF_EXAMPLE = {
    "version": 1,
    "target": "customer",
    "fields": {
        "given_name": {"from": "data.merges.FNAME", "transforms": ["trim"]},
        "phones": {"from": ["phone", "mobile"], "transforms": [{"e164": {"region": "US"}}]},
        "full_name": {"concat": ["first", "last"], "sep": " "},
        "lifecycle_stage": {
            "from": "status",
            "transforms": [{"map": {"subscribed": "lead"}, "default": "other"}],
        },
        "lead_source": {"value": "mailchimp"},
    },
}


def customer(**fields: Any) -> dict[str, Any]:
    return {"version": 1, "target": "customer", "fields": fields}


def activity(**fields: Any) -> dict[str, Any]:
    base = {
        "type": {"value": "call"},
        "occurred_at": {"from": "at", "transforms": ["parse_date"]},
        "external_id": "id",
    }
    return {"version": 1, "target": "activity", "fields": {**base, **fields}}


def apply(doc: dict[str, Any], payload: Any) -> tuple[dict[str, Any], list[MappingWarning]]:
    result = compile_mapping(doc).apply(payload)
    return result.values, list(result.warnings)


def test_the_example_document_maps_a_payload() -> None:
    payload = {
        "data": {"merges": {"FNAME": "  Kim "}},
        "phone": "(415) 555-0132",
        "mobile": "415.555.0199",
        "first": "Kim",
        "last": "Lee",
        "status": "Subscribed",
    }
    values, warnings = apply(BRIEF_EXAMPLE, payload)
    assert values == {
        "given_name": "Kim",
        "phones": ["+14155550132", "+14155550199"],
        "full_name": "Kim Lee",
        "lifecycle_stage": "lead",
        "lead_source": "mailchimp",
    }
    assert warnings == []


def test_missing_paths_are_warned_about_and_left_out() -> None:
    values, warnings = apply(BRIEF_EXAMPLE, {"status": "cleaned"})
    assert values == {"lifecycle_stage": "other", "lead_source": "mailchimp"}
    assert [(w.field, w.code) for w in warnings] == [
        ("given_name", "missing"),
        ("phones", "missing"),
        ("full_name", "missing"),
    ]
    assert str(warnings[0]) == "given_name: no value: nothing at data"
    assert str(warnings[1]) == "phones: no value: nothing at any of phone, mobile"


def test_optional_rules_are_silent_when_missing() -> None:
    doc = customer(given_name={"from": "nope", "optional": True})
    assert apply(doc, {}) == ({}, [])


def test_a_blank_value_is_no_value_but_not_a_missing_path() -> None:
    assert apply(customer(given_name="name", emails="email"), {"name": "  ", "email": ""}) == (
        {},
        [],
    )


def test_a_value_that_cannot_be_read_costs_only_its_field() -> None:
    doc = customer(
        given_name="name",
        birth_date={"from": "dob", "transforms": [{"parse_date": "%d/%m/%Y"}]},
    )
    values, warnings = apply(doc, {"name": "Ann", "dob": "31/02/1990"})
    assert values == {"given_name": "Ann"}
    assert warnings == [
        MappingWarning(
            "birth_date",
            "parse_date: could not be read as a date in the format %d/%m/%Y; "
            "the field was left out",
            "bad_value",
        )
    ]


def test_schema_refusals_drop_only_the_bad_items() -> None:
    doc = customer(
        emails={"from": "emails[*]"},
        owner="owner",
        lifecycle_stage={"from": "stage"},
        **{"address.city": "city", "address.postal_code": "zip"},
    )
    payload = {
        "emails": ["a@example.com", "not-an-email", "b@example.com"],
        "owner": "nobody",
        "stage": "vip",
        "city": "Paris",
        "zip": "x" * 40,
    }
    values, warnings = apply(doc, payload)
    assert values == {"emails": ["a@example.com", "b@example.com"], "address": {"city": "Paris"}}
    by_field = {w.field: w for w in warnings}
    assert sorted(by_field) == ["address.postal_code", "emails[1]", "lifecycle_stage", "owner"]
    assert {w.code for w in warnings} == {"invalid"}
    assert by_field["emails[1]"].message == "left out: Not a valid email address."
    assert by_field["lifecycle_stage"].message == (
        "left out: Must be one of: lead, prospect, customer, churned, other."
    )


def test_numbers_become_text_where_text_is_expected() -> None:
    values, _ = apply(customer(external_id="id", tags="tags"), {"id": 4242, "tags": [1, "a", 1]})
    assert values == {"external_id": "4242", "tags": ["1", "a"]}


def test_lists_are_deduplicated_and_single_fields_take_the_first_value() -> None:
    doc = customer(emails={"from": ["a", "b"]}, given_name={"from": ["x[*]"]})
    values, _ = apply(doc, {"a": "k@example.com", "b": ["k@example.com"], "x": [None, "Jo", "Al"]})
    assert values == {"emails": ["k@example.com"], "given_name": "Jo"}


def test_objects_where_text_is_expected_are_left_out_with_a_warning() -> None:
    values, warnings = apply(customer(given_name="n", tags="t"), {"n": {"a": 1}, "t": ["x", {}]})
    assert values == {"tags": ["x"]}
    assert [str(w) for w in warnings] == [
        "given_name: expected text, got an object; the field was left out",
    ]
    values, warnings = apply(customer(tags="t"), {"t": ["x", {"y": 1}]})
    assert values == {"tags": ["x"]}
    assert [str(w) for w in warnings] == ["tags: items that are not text were left out"]


def test_long_text_is_shortened_with_a_warning() -> None:
    values, warnings = apply(customer(given_name="n"), {"n": "A" * 400})
    assert values == {"given_name": "A" * 150}
    assert [str(w) for w in warnings] == ["given_name: shortened to 150 characters"]


def test_dates_fit_their_field() -> None:
    doc = customer(birth_date={"from": "d", "transforms": ["parse_date"]})
    assert apply(doc, {"d": "1990-05-01T10:00:00Z"})[0] == {"birth_date": date(1990, 5, 1)}
    assert apply(doc, {"d": "1990-05-01"})[0] == {"birth_date": date(1990, 5, 1)}
    assert apply(customer(birth_date="d"), {"d": "1990-05-01"})[0] == {
        "birth_date": date(1990, 5, 1)
    }
    values, _ = apply(activity(), {"at": "2024-01-02", "id": "1"})
    assert values["occurred_at"] == datetime(2024, 1, 2, tzinfo=UTC)


def test_a_naive_time_string_is_refused_by_the_activity_schema() -> None:
    result = compile_mapping(activity(occurred_at="at")).apply({"at": "2024-01-02T10:00", "id": 1})
    assert not result.complete
    assert result.missing == ("occurred_at",)
    assert [(w.field, w.code) for w in result.warnings] == [
        ("occurred_at", "invalid"),
        ("occurred_at", "missing_required"),
    ]


def test_activity_without_required_fields_is_incomplete_not_an_error() -> None:
    result = compile_mapping(activity(subject="s")).apply({"s": "Hello"})
    assert result.values == {"type": "call", "subject": "Hello"}
    assert result.missing == ("occurred_at", "external_id")
    assert not result.complete
    assert [w.code for w in result.warnings][-2:] == ["missing_required", "missing_required"]
    assert str(result.warnings[-1]) == "external_id: the record cannot be stored without it"


def test_duration_and_url_are_checked() -> None:
    doc = activity(duration_seconds="d", url="u")
    values, warnings = apply(doc, {"at": 1, "id": "1", "d": "-5", "u": "ftp://x"})
    assert "duration_seconds" not in values
    assert "url" not in values
    assert {w.field for w in warnings} == {"duration_seconds", "url"}
    values, _ = apply(doc, {"at": 1, "id": "1", "d": "42", "u": "https://x.example/1"})
    assert values["duration_seconds"] == 42
    assert values["url"] == "https://x.example/1"


def test_custom_fields_keep_scalars_only() -> None:
    doc = customer(custom_fields="extra", **{"custom_fields.plan": "plan"})
    payload = {"extra": {"seats": 3, "flags": [1], "on": True, "plan": "old"}, "plan": "gold"}
    values, warnings = apply(doc, payload)
    assert values == {"custom_fields": {"seats": 3, "on": True, "plan": "gold"}}
    assert [str(w) for w in warnings] == [
        "custom_fields: values that are lists or objects were left out"
    ]


def test_participants_are_built_per_item_and_bad_ones_dropped() -> None:
    doc = activity(
        participants=[
            {"role": "from", "email": "sender"},
            {"role": "to", "each": "to[*]", "email": "address", "name": "name"},
            {"role": "caller", "phone": {"from": "phone", "transforms": ["e164"]}},
        ]
    )
    payload = {
        "at": 1700000000,
        "id": "x",
        "sender": "me@example.com",
        "to": [
            {"address": "a@example.com", "name": "A"},
            {"address": "not an email"},
            {"name": "no address"},
            {"address": "a@example.com", "name": "A"},
        ],
        "phone": "+14155550132",
    }
    values, warnings = apply(doc, payload)
    assert values["participants"] == [
        {"email": "me@example.com", "role": "from"},
        {"email": "a@example.com", "name": "A", "role": "to"},
        {"phone": "+14155550132", "role": "caller"},
    ]
    assert [(w.field, w.code) for w in warnings] == [("participants[2]", "invalid")]
    assert warnings[0].message == "left out: email: Not a valid email address."


def test_participant_roles_may_come_from_the_payload() -> None:
    role = {
        "from": "direction",
        "transforms": [{"map": {"inbound": "caller"}, "default": "callee"}],
    }
    doc = activity(participants=[{"role": role, "phone": "number"}])
    payload = {"at": 1, "id": "1", "number": "+14155550132"}
    values, _ = apply(doc, {**payload, "direction": "inbound"})
    assert values["participants"] == [{"phone": "+14155550132", "role": "caller"}]
    values, warnings = apply(doc, payload)
    assert "participants" not in values
    assert [(w.field, w.code) for w in warnings] == [
        ("participants[0].role", "missing"),
        ("participants[0]", "invalid"),
    ]


def test_each_item_itself_is_at() -> None:
    entry = {"role": "to", "each": "to[*]", "email": {"from": "@", "transforms": ["lower"]}}
    values, warnings = apply(activity(participants=[entry]), {"at": 1, "id": "1", "to": ["A@x.io"]})
    assert values["participants"] == [{"email": "a@x.io", "role": "to"}]
    assert warnings == []


def test_notes_are_allowed_for_admins_and_ignored() -> None:
    doc = activity(subject={"from": "s", "note": "the first line of the message"})
    doc["description"] = "calls from the office line"
    doc["fields"]["participants"] = [{"role": "to", "email": "e", "note": "the rep"}]
    mapping = compile_mapping(doc)
    assert mapping.description == "calls from the office line"
    assert mapping.apply({"at": 1, "id": "1", "s": "Hi"}).values["subject"] == "Hi"


def test_a_participant_entry_that_finds_no_one_warns_unless_optional() -> None:
    entry = {"role": "to", "email": "nobody"}
    _values, warnings = apply(activity(participants=[entry]), {"at": 1, "id": "1"})
    assert [str(w) for w in warnings] == ["participants[0]: no email or phone found"]
    optional = {**entry, "optional": True}
    assert apply(activity(participants=[optional]), {"at": 1, "id": "1"})[1] == []


def test_the_payload_is_never_changed() -> None:
    payload = {"data": {"merges": {"FNAME": " Kim "}}, "phone": ["415 555 0132"], "status": "x"}
    before = copy.deepcopy(payload)
    compile_mapping(BRIEF_EXAMPLE).apply(payload)
    assert payload == before


def test_compiled_mapping_keeps_its_own_copy_of_the_document() -> None:
    doc = copy.deepcopy(BRIEF_EXAMPLE)
    mapping = compile_mapping(doc)
    doc["fields"]["lead_source"]["value"] = "changed"
    assert mapping.document["fields"]["lead_source"]["value"] == "mailchimp"
    assert mapping.apply({}).values["lead_source"] == "mailchimp"
    assert mapping.target == "customer"


def test_to_json_gives_iso_text_for_dates() -> None:
    result = compile_mapping(activity()).apply({"at": 1700000000, "id": 9})
    assert result.to_json() == {
        "type": "call",
        "occurred_at": "2023-11-14T22:13:20+00:00",
        "external_id": "9",
    }


def test_preview_returns_errors_instead_of_raising() -> None:
    result = preview(customer(nick="n", emails={"from": "e", "transforms": ["e164"]}), {})
    assert not result.ok
    assert result.result is None
    assert result.values == {}
    assert result.warnings == ()
    assert [e.where for e in result.errors] == ["fields.nick", "fields.emails.transforms[0]"]


def test_preview_shows_values_and_warnings() -> None:
    result = preview(BRIEF_EXAMPLE, '{"status": "subscribed", "phone": "nope"}')
    assert result.ok
    assert result.values == {"lifecycle_stage": "lead", "lead_source": "mailchimp"}
    assert [(w.field, w.code) for w in result.warnings] == [
        ("given_name", "missing"),
        ("phones", "bad_value"),
        ("full_name", "missing"),
    ]


def test_preview_of_text_documents_and_bad_samples() -> None:
    assert preview("version: 1\ntarget: customer\nfields: {tags: t}\n", {"t": "x"}).values == {
        "tags": ["x"]
    }
    bad_sample = preview(BRIEF_EXAMPLE, "{not json")
    assert [str(e) for e in bad_sample.errors] == [
        "sample: the sample is not valid JSON: Expecting property name enclosed in double "
        "quotes (line 1)"
    ]
    assert [e.where for e in preview("fields: [", {}).errors] == ["line 1, column 10"]


def test_compile_mapping_refuses_bad_text_whole() -> None:
    with pytest.raises(InvalidMapping):
        compile_mapping("version: 1\ntarget: customer\nfields: {nick: n}\n")


def test_yaml_short_codes_stay_text() -> None:
    doc = parse_document("a: no\nb: yes\nc: on\nd: 2024-01-02\ne: true\nf: NO\ng: 12\n")
    assert doc == {
        "a": "no",
        "b": "yes",
        "c": "on",
        "d": "2024-01-02",
        "e": True,
        "f": "NO",
        "g": 12,
    }


@pytest.mark.parametrize(
    "text",
    ['{"a": 1, "a": 2}', "a: 1\na: 2\n", "fields:\n  x: 1\n  x: 2\n"],
)
def test_a_key_written_twice_is_an_error(text: str) -> None:
    with pytest.raises(InvalidMapping, match="appears twice"):
        parse_document(text)


@pytest.mark.parametrize("text", ["", "   \n", None])
def test_an_empty_document_is_an_error(text: Any) -> None:
    with pytest.raises(InvalidMapping, match="the mapping is empty"):
        parse_document(text)


def test_yaml_tags_are_not_executed() -> None:
    with pytest.raises(InvalidMapping, match="not valid YAML"):
        parse_document("a: !!python/object/apply:os.system ['true']\n")
