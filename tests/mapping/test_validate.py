"""Validation: every kind of mistake is found, located, worded plainly, and refused whole."""

from __future__ import annotations

from typing import Any

import pytest

from mapping import InvalidMapping, MappingError, compile_mapping, validate_mapping


def customer(**fields: Any) -> dict[str, Any]:
    return {"version": 1, "target": "customer", "fields": fields}


def activity(**fields: Any) -> dict[str, Any]:
    base = {"type": {"value": "call"}, "occurred_at": "t", "external_id": "id"}
    return {"version": 1, "target": "activity", "fields": {**base, **fields}}


def problems(doc: Any) -> list[str]:
    return [str(error) for error in validate_mapping(doc)]


def only(doc: Any) -> str:
    found = problems(doc)
    assert len(found) == 1, found
    return found[0]


def test_a_good_document_has_no_problems() -> None:
    assert validate_mapping(customer(given_name="first", emails={"from": ["a", "b"]})) == []


@pytest.mark.parametrize(
    ("version", "message"),
    [
        (2, "version: version 2 is not supported; use 1"),
        ("1", "version: version '1' is not supported; use 1"),
        (True, "version: version True is not supported; use 1"),
        (None, 'version: version is missing: write "version": 1'),
    ],
)
def test_wrong_version(version: Any, message: str) -> None:
    doc = customer(given_name="x")
    if version is None:
        del doc["version"]
    else:
        doc["version"] = version
    assert only(doc) == message


def test_wrong_target_and_unknown_top_level_key() -> None:
    doc = {"version": 1, "target": "contact", "fields": {"a": "b"}, "field": {}}
    assert problems(doc) == [
        "field: unknown key (did you mean fields?)",
        "target: target must be one of customer, activity",
    ]


@pytest.mark.parametrize("fields", [None, {}, [], "given_name"])
def test_fields_must_hold_rules(fields: Any) -> None:
    doc = {"version": 1, "target": "customer", "fields": fields}
    assert only(doc) == "fields: fields must be an object with at least one rule"


def test_a_document_that_is_not_an_object() -> None:
    assert only(["version", 1]) == "a mapping is an object with version, target and fields"


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("first_name", "unknown customer field 'first_name' (did you mean given_name?)"),
        ("emial", "unknown customer field 'emial' (did you mean emails?)"),
        ("participants", "unknown customer field 'participants'"),
        ("address.zip", "unknown address part 'zip' (known: street, city, postal_code, region"),
        ("address", "fill the address part by part: address.street, address.city"),
        ("custom_fields.", "a custom field needs a name after the dot"),
    ],
)
def test_unknown_target_field(key: str, message: str) -> None:
    found = only(customer(**{key: "x"}))
    assert found.startswith(f"fields.{key}: ")
    assert message in found


def test_alias_suggestion_only_when_the_field_exists_for_the_target() -> None:
    assert "did you mean occurred_at?" in only(activity(date="x"))
    assert "occurred_at" not in only(customer(date="x"))


@pytest.mark.parametrize(
    ("rule", "where", "message"),
    [
        (5, "fields.given_name", "a field rule is a path such as"),
        ({}, "fields.given_name", "needs one of from, value, concat, first_non_empty"),
        ({"from": "a", "value": "b"}, "fields.given_name", "has both from and value; use one"),
        ({"from": "a", "transform": ["trim"]}, "fields.given_name", "(did you mean transforms?)"),
        ({"value": None}, "fields.given_name.value", "value cannot be null"),
        ({"from": "a", "sep": " "}, "fields.given_name.sep", "sep is text, and goes with concat"),
        ({"concat": ["a"], "sep": 1}, "fields.given_name.sep", "sep is text"),
        ({"from": "a", "optional": "yes"}, "fields.given_name.optional", "true or false"),
        ({"from": "a", "transforms": "trim"}, "fields.given_name.transforms", "must be a list"),
        ({"from": []}, "fields.given_name.from", "needs at least one path"),
    ],
)
def test_bad_rule_shape(rule: Any, where: str, message: str) -> None:
    found = only(customer(given_name=rule))
    assert found.startswith(f"{where}: ")
    assert message in found


@pytest.mark.parametrize(
    ("rule", "where"),
    [
        ("a..b", "fields.given_name"),
        ({"from": "a[0"}, "fields.given_name.from"),
        ({"from": ["ok", "bad]"]}, "fields.given_name.from[1]"),
        ({"concat": ["ok", ".bad"]}, "fields.given_name.concat[1]"),
        ({"first_non_empty": ["x[*"]}, "fields.given_name.first_non_empty[0]"),
    ],
)
def test_bad_path_syntax(rule: Any, where: str) -> None:
    assert only(customer(given_name=rule)).startswith(f"{where}: bad path: ")


@pytest.mark.parametrize(
    ("transform", "message"),
    [
        ("e165", "unknown transform 'e165' (did you mean e164?)"),
        ("frobnicate", "unknown transform 'frobnicate' (known: trim, lower"),
        ({"frobnicate": 1}, "unknown transform 'frobnicate'"),
        (7, "a transform is a name such as"),
        ({}, "a transform is a name such as"),
        ({"e164": {"country": "US"}}, "unknown option 'country' for e164 (it takes: region)"),
        ({"e164": "US", "strict": True}, "unknown option 'strict' for e164"),
        ({"e164": "USA"}, "e164 region must be a two-letter country code"),
        ({"e164": 1}, "e164 region must be a country code"),
        ({"trim": "both"}, "trim takes no arguments"),
        ("map", "map needs values"),
        ({"map": {}}, "map needs at least one value: replacement pair"),
        ({"map": {"a": ["b"]}}, "map gives an object or list for 'a'"),
        ({"map": {"a": "b"}, "default": ["x"]}, "map default must be a single value or null"),
        ({"parse_date": "dd/mm/yyyy"}, "parse_date format is unusable: unknown date format"),
        ({"parse_date": {"timezone": "Mars/Olympus"}}, "unknown time zone 'Mars/Olympus'"),
        ({"split_name": "middle"}, "split_name part must be given or family"),
        ({"split": ""}, "split sep is empty"),
        ({"trim": None, "lower": None}, "holds several transforms (trim, lower)"),
        ({"e164": {"region": "US"}, "region": "GB"}, "e164 sets region twice"),
        ("default", "default needs value"),
    ],
)
def test_bad_transform(transform: Any, message: str) -> None:
    found = only(customer(full_name={"from": "a", "transforms": ["trim", transform]}))
    assert found.startswith("fields.full_name.transforms[1]: ")
    assert message in found


@pytest.mark.parametrize(
    ("field", "rule", "message"),
    [
        (
            "emails",
            {"from": "p", "transforms": ["e164"]},
            "fields.emails.transforms[0]: e164 yields a phone number, "
            "but emails holds email addresses",
        ),
        (
            "phones",
            {"from": "p", "transforms": ["parse_date"]},
            "fields.phones.transforms[0]: parse_date yields a date, but phones holds phone numbers",
        ),
        (
            "given_name",
            {"from": "p", "transforms": ["parse_date", "trim"]},
            "fields.given_name.transforms[1]: trim cannot apply to a date (what parse_date yields)",
        ),
        (
            "birth_date",
            {"from": "p", "transforms": ["split_name"]},
            "fields.birth_date.transforms[0]: split_name yields two name parts",
        ),
        (
            "birth_date",
            {"from": "p", "transforms": ["int"]},
            "fields.birth_date.transforms[0]: int yields a number, but birth_date holds a date",
        ),
        ("emails", {"value": 5}, "fields.emails.value: the value is a number, but emails holds"),
        (
            "custom_fields",
            {"from": "p", "transforms": ["trim"]},
            "fields.custom_fields.transforms[0]: trim yields text, "
            "but custom_fields holds an object",
        ),
        (
            "given_name",
            {"from": "p", "transforms": ["parse_addresses"]},
            "parse_addresses yields an object, but given_name holds text",
        ),
    ],
)
def test_transform_that_does_not_fit_the_field(field: str, rule: Any, message: str) -> None:
    assert message in only(customer(**{field: rule}))


def test_two_fields_need_split_name() -> None:
    message = only(customer(**{"given_name, family_name": {"from": "name"}}))
    assert message == (
        "fields.given_name, family_name: two fields are filled only by ending with split_name"
    )


def test_only_name_parts_may_share_a_rule() -> None:
    rule = {"from": "n", "transforms": ["split_name"]}
    assert "only for name parts" in only(customer(**{"given_name, birth_date": rule}))
    assert "one field, or two" in only(customer(**{"given_name, family_name, full_name": rule}))


@pytest.mark.parametrize(
    ("rule", "where", "bad"),
    [
        ({"value": "vip"}, "fields.lifecycle_stage.value", "'vip'"),
        ({"from": "s", "transforms": [{"map": {"a": "leed"}}]}, "transforms[0]", "'leed'"),
        ({"from": "s", "transforms": [{"map": {"a": "lead"}, "default": "x"}]}, "[0]", "'x'"),
        ({"from": "s", "transforms": [{"map": {"a": "y"}}, {"default": "lead"}]}, "[0]", "'y'"),
        ({"from": "s", "transforms": ["lower", {"default": "nope"}]}, "[1]", "'nope'"),
    ],
)
def test_words_outside_a_fixed_list_are_refused(rule: Any, where: str, bad: str) -> None:
    found = only(customer(lifecycle_stage=rule))
    assert where in found
    assert f"{bad} is not allowed in lifecycle_stage (use one of lead, prospect" in found


def test_unknown_words_passing_through_a_map_are_left_to_the_record() -> None:
    rule = {"from": "s", "transforms": [{"map": {"subscribed": "lead"}}]}
    assert validate_mapping(customer(lifecycle_stage=rule)) == []


def test_one_field_filled_twice() -> None:
    doc = customer(
        given_name="a",
        **{"given_name, family_name": {"from": "n", "transforms": ["split_name"]}},
    )
    assert only(doc) == (
        "fields.given_name, family_name: given_name is already filled by fields.given_name"
    )


def participants(entries: Any) -> str:
    return only(activity(participants=entries))


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([], "fields.participants: participants is a list of participant entries"),
        ({"role": "from"}, "fields.participants: participants is a list"),
        (["x"], "fields.participants[0]: a participant is an object with a role"),
        ([{"email": "e"}], "fields.participants[0]: a participant needs a role (one of from, to"),
        ([{"role": "sender", "email": "e"}], "fields.participants[0].role: unknown role 'sender'"),
        ([{"role": "to"}], "fields.participants[0]: a participant needs an email or a phone rule"),
        ([{"role": "to", "email": "e", "mail": "m"}], "unknown key 'mail' (did you mean email?)"),
        (
            [{"role": "to", "email": "e", "each": "a..b"}],
            "fields.participants[0].each: bad path: empty name",
        ),
        (
            [{"role": "to", "email": {"from": "e", "transforms": ["e164"]}}],
            "fields.participants[0].email.transforms[0]: e164 yields a phone number",
        ),
        (
            [{"role": {"value": "boss"}, "email": "e"}],
            "fields.participants[0].role.value: 'boss' is not allowed in role",
        ),
        ([{"role": "to", "email": "e", "optional": 1}], "optional must be true or false"),
    ],
)
def test_bad_participants(entries: Any, message: str) -> None:
    assert message in participants(entries)


def test_every_problem_is_reported_and_the_mapping_refused_whole() -> None:
    doc = {
        "version": 1,
        "target": "customer",
        "fields": {
            "given_name": {"from": "data.merges.FNAME", "transforms": ["trim"]},
            "emails": {"from": "email", "transforms": ["lower"]},
            "phones": {"from": "phone..x", "transforms": ["e165"]},
            "lifecycle_stage": {"value": "vip"},
            "nickname": "nick",
        },
    }
    with pytest.raises(InvalidMapping) as raised:
        compile_mapping(doc)
    assert [error.where for error in raised.value.errors] == [
        "fields.phones.from",
        "fields.phones.transforms[0]",
        "fields.lifecycle_stage.value",
        "fields.nickname",
    ]
    assert "the mapping has 4 problem(s)" in str(raised.value)
    assert all(isinstance(error, MappingError) for error in raised.value.errors)


def test_text_documents_are_validated_too() -> None:
    assert validate_mapping('{"version": 1, "target": "customer", "fields": {"tags": "t"}}') == []
    yaml_text = "version: 1\ntarget: customer\nfields:\n  nick: n\n"
    assert problems(yaml_text) == [
        "fields.nick: unknown customer field 'nick' (known: given_name, family_name, "
        "full_name, emails, phones, company_name, company_domains, job_title, address.street, "
        "address.city, address.postal_code, address.region, address.country, birth_date, "
        "lifecycle_stage, owner, lead_source, tags, custom_fields, external_id)"
    ]


def test_syntax_errors_name_the_line() -> None:
    assert problems("version: 1\nfields:\n  a: [b\n") == [
        "line 4, column 1: not valid YAML: expected ',' or ']', but got '<stream end>'"
    ]
    assert problems('{"version": 1,\n "target": }') == [
        "line 2, column 12: not valid JSON: Expecting value"
    ]
