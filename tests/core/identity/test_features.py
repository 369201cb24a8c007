"""Features: normalized once, stored as JSON, and blocking keys equal to core.normalize's."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.identity.features import MAX_VALUE, Features, extract, storage_key, stored_features
from core.identity.resolve import FACT_BLOCKS
from core.normalize import blocking_keys

NAMES = st.sampled_from(["Ann", "Bob", "Robert", "Zoë", "Jean-Luc", "J.", "", "  Mary  Ann "])
FAMILIES = st.sampled_from(["Lee", "Smith", "van der Berg", "O'Brien", "García", "", "Ng"])
EMAILS = st.sampled_from(
    ["ann@acme.com", "INFO@acme.com", "bob.smith+x@googlemail.com", "x@gmail.com", "bad@", "a@b"]
)
PHONES = st.sampled_from(["+1 415 555 0100", "(415) 555-0123", "020 7946 0958", "123", "abc"])
DOMAINS = st.sampled_from(["acme.com", "https://shop.acme.co.uk/x", "gmail.com", "nope"])
CANONICAL = st.fixed_dictionaries(
    {},
    optional={
        "given_name": NAMES,
        "family_name": FAMILIES,
        "full_name": st.sampled_from(["Dr. Jane A. Smith", "Lee, Ann", "Prince", ""]),
        "emails": st.lists(EMAILS, max_size=3),
        "phones": st.lists(PHONES, max_size=2),
        "company_name": st.sampled_from(["ACME, Inc.", "The Globex Corporation", ""]),
        "company_domains": st.lists(DOMAINS, max_size=2),
        "birth_date": st.sampled_from(["1980-02-03", "03/07/1985", "2001-12-31T10:00:00"]),
        "address": st.fixed_dictionaries(
            {},
            optional={
                "postal_code": st.sampled_from(["94105-1234", "SW1A 1AA", ""]),
                "country": st.sampled_from(["US", "GB", "France"]),
                "city": st.sampled_from(["Paris", "SAN FRANCISCO"]),
            },
        ),
    },
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(CANONICAL)
def test_blocking_keys_equal_those_of_core_normalize(record: dict) -> None:
    assert set(extract(record).blocks) == blocking_keys(record)


@settings(max_examples=50, deadline=None)
@given(CANONICAL)
def test_features_survive_their_json_form(record: dict) -> None:
    features = extract(record)
    assert Features.from_json(features.to_json()) == features
    text = json.dumps(features.to_json())
    assert stored_features(text) == features
    assert stored_features(text) is stored_features(text)  # decoded once, then shared


def test_stored_features_read_empty_and_reformatted_json() -> None:
    assert stored_features(None) == Features()
    assert stored_features("{}") == Features()
    spaced = '{"v": 1, "given": "ann", "emails": ["ann@acme.com"]}'  # PostgreSQL's jsonb text
    assert stored_features(spaced) == Features(given="ann", emails=("ann@acme.com",))


def test_what_a_record_is_reduced_to() -> None:
    features = extract(
        {
            "full_name": "Dr. Robert Smith",
            "emails": ["Bob.Smith@Acme.com", "info@acme.com", "bob@gmail.com"],
            "phones": ["+1 415 555 0100", "555 0199 999"],
            "company_name": "ACME Inc.",
            "address": {"postal_code": "94105", "city": "San Francisco", "country": "US"},
        }
    )
    assert (features.given, features.family, features.family_code) == ("robert", "smith", "SM0")
    assert {"bob", "robert"} <= features.given_names
    assert features.emails == ("bob.smith@acme.com", "bob@gmail.com")  # no role address
    assert features.phones == ("+14155550100",)
    assert features.tails == ("5550100", "0199999")
    assert features.domains == ("acme.com",)  # the work address; never gmail.com
    assert (features.company, features.postal, features.city) == ("acme", "94105", "san francisco")
    assert features.deterministic_keys() == [
        "email:bob.smith@acme.com",
        "email:bob@gmail.com",
        "phone:+14155550100",
    ]
    assert "f_given:robert" in features.all_keys()


def test_every_block_pairing_the_name_with_a_fact_is_one_a_key_linked_record_asks_about() -> None:
    features = extract(
        {
            "full_name": "Robert Smith",
            "emails": ["bob.smith@acme.com"],
            "company_name": "ACME Inc.",
            "birth_date": "1980-02-03",
            "address": {"postal_code": "94105", "country": "US"},
        }
    )
    kinds = {key.split(":", 1)[0] for key in features.blocks}
    name_only = {"name", "name_prefix", "email", "phone", "phone_tail"}
    assert {kind + ":" for kind in kinds - name_only} == set(FACT_BLOCKS)


def test_long_values_are_cut_with_a_digest() -> None:
    short = "company_name:" + "x" * 10
    assert storage_key(short) == short
    long_one, other = (
        storage_key("company_name:" + "y" * 400),
        storage_key("company_name:" + "y" * 401),
    )
    assert len(long_one.partition(":")[2]) == MAX_VALUE
    assert long_one != other
