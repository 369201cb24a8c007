"""Properties: no payload crashes a mapping, no document crashes the validator."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapping import (
    MappingWarning,
    available_defaults,
    compile_mapping,
    load_default_mapping,
    validate_mapping,
)
from mapping.canonical import SCHEMAS
from mapping.dates import parse_temporal
from mapping.errors import TransformFailed
from mapping.names import split_name
from mapping.paths import parse_path
from mapping.targets import REQUIRED, field_names
from mapping.transforms import TRANSFORMS

FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Keys the default mappings read, so generated payloads reach deep into the rules.
VOCABULARY = [
    "data", "merges", "FNAME", "LNAME", "email", "payload", "headers", "name", "value",
    "From", "To", "Cc", "internalDate", "labelIds", "id", "contact", "emails", "first_name",
    "raw_digits", "direction", "started_at", "requester", "phone", "Timestamp", "CallDuration",
    "toRecipients", "emailAddress", "address", "from", "type", "fired_at", "tags", "user",
    "created_at", "organization", "domain_names", "user_fields", "birth_date", "comments",
]  # fmt: skip
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats()
    | st.text(max_size=30)
    | st.sampled_from(["2024-01-02T10:00:00Z", "+14155550132", "a@example.com", "SENT", "1"])
)
keys = st.sampled_from(VOCABULARY) | st.text(max_size=6)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=6),
    max_leaves=25,
)
payloads = st.dictionaries(keys, json_values, max_size=8)
small_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3),
    max_leaves=5,
)


def assert_well_formed(result: Any, target: str) -> None:
    dumped = SCHEMAS[target]().dump(result.values)
    assert SCHEMAS[target]().validate(dumped, partial=REQUIRED[target]) == {}
    assert all(isinstance(w, MappingWarning) and w.field and w.message for w in result.warnings)


@FAST
@given(payload=payloads | json_values)
def test_no_payload_crashes_a_default_mapping(payload: Any) -> None:
    for kind, target in available_defaults():
        assert_well_formed(load_default_mapping(kind, target).apply(payload), target)


IDENTITY = compile_mapping(
    {
        "version": 1,
        "target": "customer",
        "fields": {
            **{name: {"from": name, "optional": True} for name in field_names("customer")},
            "custom_fields": {"from": "custom_fields", "optional": True},
        },
    }
)
customer_like = st.fixed_dictionaries(
    {}, optional=dict.fromkeys([*field_names("customer"), "address"], small_values)
)


@FAST
@given(payload=customer_like)
def test_an_identity_mapping_never_crashes_and_yields_schema_valid_values(payload: Any) -> None:
    assert_well_formed(IDENTITY.apply(payload), "customer")


transform_entries = st.sampled_from(list(TRANSFORMS)) | st.fixed_dictionaries(
    {}, optional=dict.fromkeys([*TRANSFORMS, "region", "default", "sep"], small_values)
)
rules = (
    st.text(max_size=12)
    | small_values
    | st.fixed_dictionaries(
        {},
        optional={
            "from": st.text(max_size=12) | st.lists(st.text(max_size=8), max_size=3),
            "value": small_values,
            "concat": st.lists(st.sampled_from(VOCABULARY), max_size=3),
            "sep": small_values,
            "transforms": st.lists(transform_entries, max_size=3) | small_values,
            "optional": st.booleans() | small_values,
        },
    )
)
documents = st.fixed_dictionaries(
    {
        "version": st.sampled_from([1, 1, 2, "1", None]),
        "target": st.sampled_from(["customer", "activity", "other"]),
        "fields": st.dictionaries(
            st.sampled_from([*field_names("customer"), *field_names("activity")]) | keys,
            rules,
            max_size=5,
        ),
    }
)


@FAST
@given(doc=documents | small_values, payload=payloads)
def test_no_document_crashes_the_validator(doc: Any, payload: Any) -> None:
    errors = validate_mapping(doc)
    assert all(error.message for error in errors)
    if not errors:
        mapping = compile_mapping(doc)
        assert_well_formed(mapping.apply(payload), mapping.target)


paths = st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=3).map(
    ".".join
) | st.sampled_from(
    ["payload.headers[name=From].value", "toRecipients[*].emailAddress.address", "data[0]"]
)
simple_steps = st.sampled_from(
    [
        *("trim", "lower", "upper", "first_non_empty", "concat", "split", "int", "parse_date"),
        *("e164", {"default": "x"}, {"map": {"a": "b"}, "default": None}, {"split_name": "given"}),
    ]
)
sane_documents = st.fixed_dictionaries(
    {
        "version": st.just(1),
        "target": st.just("customer"),
        "fields": st.dictionaries(
            st.sampled_from(field_names("customer")),
            st.fixed_dictionaries(
                {"from": paths | st.lists(paths, min_size=1, max_size=3)},
                optional={"transforms": st.lists(simple_steps, max_size=3)},
            ),
            min_size=1,
            max_size=6,
        ),
    }
)


@FAST
@given(doc=sane_documents, payload=payloads)
def test_any_valid_document_applies_to_any_payload(doc: Any, payload: Any) -> None:
    if validate_mapping(doc):
        return
    assert_well_formed(compile_mapping(doc).apply(payload), "customer")


plain_keys = st.text(
    alphabet=st.characters(blacklist_characters=".[]'\"", blacklist_categories=["Cs"]),
    min_size=1,
    max_size=8,
).filter(lambda key: key == key.strip() and key != "@")


@FAST
@given(path=st.lists(plain_keys, min_size=1, max_size=5), leaf=small_values)
def test_a_dotted_path_finds_what_was_put_there(path: list[str], leaf: Any) -> None:
    nested: Any = leaf
    for key in reversed(path):
        nested = {key: nested}
    found = parse_path(".".join(path)).resolve(nested)
    assert found.found
    assert found.values[0] is leaf
    quoted = "".join(f'["{key}"]' for key in path)
    assert parse_path(quoted).resolve(nested).values == found.values


@FAST
@given(text=st.text(max_size=60))
def test_split_name_keeps_only_words_of_the_input(text: str) -> None:
    given_name, family = split_name(text)
    words = set(text.replace(",", " ").split())
    for part in (given_name, family):
        assert part is None or set(part.split()) <= words


@FAST
@given(
    value=st.text(max_size=40) | st.integers() | st.floats() | st.booleans(),
    fmt=st.sampled_from([None, "auto", "iso", "rfc2822", "epoch", "epoch_ms", "%d/%m/%Y %H:%M"]),
)
def test_parse_date_either_reads_a_value_or_says_why_not(value: Any, fmt: str | None) -> None:
    try:
        result: Any = parse_temporal(value, fmt, UTC)
    except TransformFailed as failure:
        result = failure
    if isinstance(result, TransformFailed):
        assert str(result)
        return
    assert isinstance(result, date)
    if isinstance(result, datetime):
        assert result.tzinfo is UTC
