from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from core.normalize.keys import (
    birth_date_key,
    blocking_keys,
    email_domain_key,
    phone_tail_key,
    phonetic_key,
    postal_code_key,
    prefix_key,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Smith", "Smyth"),
        ("Catherine", "Katherine"),
        ("McDonald", "MacDonald"),
        ("O'Neil", "ONeill"),
        ("van der Berg", "Vanderberg"),
        ("Müller", "Muller"),
    ],
)
def test_phonetic_key_agrees_on_spelling_variants(a: str, b: str) -> None:
    assert phonetic_key(a) == phonetic_key(b)
    assert phonetic_key(a)


def test_phonetic_key_separates_different_names() -> None:
    assert phonetic_key("Smith") != phonetic_key("Jones")


def test_phonetic_key_of_nothing_is_none() -> None:
    assert phonetic_key("") is None
    assert phonetic_key(None) is None
    assert phonetic_key("123 -") is None


def test_phonetic_key_keeps_non_latin_letters() -> None:
    assert phonetic_key("李") == "李"
    assert phonetic_key("Иванов") == "иванов"


def test_prefix_key_folds_case_accents_and_punctuation() -> None:
    assert prefix_key("O'Brien-Smith") == "obri"
    assert prefix_key("Élodie", 2) == "el"
    assert prefix_key("  ") is None


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("SW1A 1AA", "SW1A1AA"),
        ("sw1a1aa", "SW1A1AA"),
        ("94105-1234", "94105"),
        ("941051234", "94105"),
        ("94105", "94105"),
        ("75008", "75008"),
        ("1010 AB", "1010AB"),
        ("", None),
        (None, None),
    ],
)
def test_postal_code_key(raw: str | None, key: str | None) -> None:
    assert postal_code_key(raw) == key


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("1985-03-07", "1985-03-07"),
        ("19850307", "1985-03-07"),
        ("1985-03-07T00:00:00Z", "1985-03-07"),
        (date(1985, 3, 7), "1985-03-07"),
        (datetime(1985, 3, 7, 12, 30), "1985-03-07"),
        ("03/07/1985", None),
        ("1985-02-30", None),
        ("", None),
        (None, None),
    ],
)
def test_birth_date_key(raw: date | str | None, key: str | None) -> None:
    assert birth_date_key(raw) == key


def test_phone_tail_key_works_even_without_a_country_code() -> None:
    assert phone_tail_key("+44 20 7946 0958") == "9460958"
    assert phone_tail_key("415-555-2671") == "5552671"
    assert phone_tail_key("(415) 555-2671", "US") == "5552671"
    assert phone_tail_key("call 555-2671 after 5") is None
    assert phone_tail_key("12") is None


def test_email_domain_key_skips_freemail_and_invalid_addresses() -> None:
    assert email_domain_key("ann@eu.acme.co.uk") == "acme.co.uk"
    assert email_domain_key("ann@gmail.com") is None
    assert email_domain_key("not an address") is None


# --- blocking keys ------------------------------------------------------------

_BOB: dict[str, Any] = {
    "given_name": "Bob",
    "family_name": "Smith",
    "emails": ["Bob.Smith+crm@Acme.co.uk", "info@acme.co.uk", "bobsmith@gmail.com"],
    "phones": ["+44 20 7946 0958"],
    "company_name": "ACME Ltd.",
    "company_domain": "https://www.acme.co.uk",
    "postal_code": "sw1a 1aa",
    "birth_date": "1980-02-03",
}


def test_blocking_keys_of_a_full_record() -> None:
    keys = blocking_keys(_BOB)
    family = phonetic_key("Smith")
    expected = {
        "email:bob.smith@acme.co.uk",
        "email:bobsmith@gmail.com",
        "phone:+442079460958",
        "phone_tail:9460958",
        f"name:{family}:{phonetic_key('robert')}",
        "name_prefix:smit:b",
        f"birth_date:1980-02-03:{family}",
        f"postal_code:SW1A1AA:{family}",
        f"company_domain:acme.co.uk:{family}",
        f"company_name:acme:{family}",
    }
    assert expected <= keys


def test_a_family_name_typo_early_on_still_shares_a_key_with_the_colleague_record() -> None:
    typo = blocking_keys({"full_name": "Thomas Wisliams", "company_name": "Summit Capital Inc."})
    crm = blocking_keys({"full_name": "Tom Williams", "emails": ["twilliams@summit-capital.com"]})
    shared = typo & crm
    assert f"given_company:summitcapital:{phonetic_key('thomas')}" in shared
    assert all(key.startswith("given_company:summitcapital:") for key in shared)


def test_a_given_name_and_company_key_needs_the_same_given_name() -> None:
    tom = blocking_keys({"full_name": "Tom Williams", "company_name": "Summit Capital"})
    ann = blocking_keys({"full_name": "Ann Williams", "emails": ["awilliams@summitcapital.com"]})
    assert not any(key.startswith("given_company:") for key in tom & ann)


def test_role_addresses_and_freemail_domains_give_no_key_of_their_own() -> None:
    keys = blocking_keys(_BOB)
    assert not any("info@" in key for key in keys)
    assert not any(key.startswith("company_domain:gmail.com") for key in keys)


def test_nickname_and_full_name_share_a_name_key() -> None:
    bob = blocking_keys({"full_name": "Bob Smith"})
    robert = blocking_keys({"full_name": "Smith, Robert"})
    margaret = blocking_keys({"full_name": "Margaret Smith"})
    assert bob & robert
    assert not (bob & margaret)


def test_the_same_person_from_two_tools_shares_keys() -> None:
    from_mailbox = blocking_keys(
        {"full_name": "bob smith", "emails": ["Bob <bob.smith@acme.co.uk>"]}
    )
    from_phone_tool = blocking_keys(
        {"given_name": "Robert", "family_name": "SMYTH", "phones": [{"value": "020 7946 0958"}]},
        default_region="GB",
    )
    from_crm = blocking_keys({"emails": "BOB.SMITH@ACME.CO.UK", "phones": ["+442079460958"]})
    assert from_mailbox & from_crm
    assert from_phone_tool & from_crm
    assert from_mailbox & from_phone_tool


def test_a_record_without_usable_values_has_no_keys() -> None:
    assert blocking_keys({}) == set()
    assert blocking_keys({"emails": ["nope"], "phones": ["n/a"], "full_name": "  "}) == set()


def test_broad_facts_without_a_family_name_give_no_key() -> None:
    keys = blocking_keys(
        {"postal_code": "94105", "company_name": "Acme", "birth_date": "1980-01-01"}
    )
    assert keys == set()


def test_the_canonical_customer_shape_is_read_too() -> None:
    record = {
        "given_name": "Jane",
        "family_name": "Doe",
        "phones": ["020 7946 0958"],
        "company_domains": ["https://www.acme.io", "gmail.com"],
        "address": {"postal_code": "ec1a 1bb", "country": "gb"},
        "birth_date": date(1990, 5, 17),
    }
    keys = blocking_keys(record)
    family = phonetic_key("Doe")
    assert {
        "phone:+442079460958",
        f"company_domain:acme.io:{family}",
        f"postal_code:EC1A1BB:{family}",
        f"birth_date:1990-05-17:{family}",
    } <= keys
    assert not any(key.startswith("company_domain:gmail.com") for key in keys)
