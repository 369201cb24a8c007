"""Each field comparison, level by level."""

import pytest

from core.identity import compare
from core.identity.features import Features, extract


def f(**mapped) -> Features:
    return extract(mapped)


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        ("Robert", "Robert", "exact"),
        ("Robert", "ROBERT", "exact"),
        ("Bob", "Robert", "nickname"),
        ("Kathy", "Katherine", "nickname"),
        ("Bob", "Rob", "nickname"),  # both short for Robert
        ("Charlie", "Charles", "nickname"),
        ("Robert", "William", "different"),  # the table gives both "Bill"
        ("J.", "John", "initial"),
        ("J", "Mary", "different"),
        ("Micheal", "Michael", "typo"),
        ("Kyue", "Kyle", "typo"),  # one letter replaced
        ("Jahn", "John", "typo"),
        ("Jen", "Jenniefr", "typo"),  # a nickname of the misspelt name
        ("Jon", "Jan", "different"),  # too short for one letter to be a slip
        ("Alice", "Bob", "different"),
    ],
)
def test_given_name_levels(left: str, right: str, level: str) -> None:
    outcome = compare.given_name(f(given_name=left), f(given_name=right))
    assert outcome is not None
    assert outcome[0] == level


def test_an_exact_given_name_names_its_frequency_key() -> None:
    assert compare.given_name(f(given_name="Zoë"), f(given_name="zoe")) == ("exact", "f_given:zoe")


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        ("Smith", "smith", "exact"),
        ("Johnson", "Jonson", "typo"),
        ("Smith", "Smyth", "typo"),
        ("Knight", "Night", "typo"),
        ("Catherwood", "Katherwud", "phonetic"),
        ("Smith", "Garcia", "different"),
    ],
)
def test_family_name_levels(left: str, right: str, level: str) -> None:
    outcome = compare.family_name(f(family_name=left), f(family_name=right))
    assert outcome is not None
    assert outcome[0] == level


def test_a_missing_field_is_no_evidence() -> None:
    assert compare.given_name(f(given_name="Ann"), f(family_name="Lee")) is None
    assert compare.email(f(emails=["a@x.com"]), f()) is None
    assert compare.birth_date(f(birth_date="1980-01-02"), f()) is None


def test_email_levels() -> None:
    ann = f(emails=["Ann.Lee@acme.com"])
    assert compare.email(ann, f(emails=["x@y.com", "ann.lee@acme.com"])) == (
        "exact",
        "email:ann.lee@acme.com",
    )
    assert compare.email(ann, f(emails=["ann.le@acme.com"]))[0] == "typo"
    assert compare.email(ann, f(emails=["ann.lee@other.com"]))[0] == "different"
    numbered = f(emails=["john.smith14@hotmail.com"])
    assert compare.email(numbered, f(emails=["john.smith44@hotmail.com"]))[0] == "different"
    assert compare.email(numbered, f(emails=["jon.smith14@hotmail.com"]))[0] == "typo"


def test_addresses_differing_in_their_last_letter_are_two_colleagues() -> None:
    john_smith = f(emails=["johns@acme.com"])
    assert compare.email(john_smith, f(emails=["johnb@acme.com"]))[0] == "different"
    assert compare.email(john_smith, f(emails=["jahns@acme.com"]))[0] == "typo"


def test_work_addresses_told_apart_by_a_number_are_two_colleagues() -> None:
    first = f(emails=["robert.presmer@smithmedia.com"])
    second = f(emails=["Robert.Presmer2@smithmedia.com"])
    assert compare.email(first, second) == ("numbered", None)
    assert compare.email(second, first) == ("numbered", None)
    assert compare.email(f(emails=["miaa2@acme.com"]), f(emails=["miaa7@acme.com"]))[0] == (
        "numbered"
    )
    elsewhere = f(emails=["robert.presmer2@smithmedia.co.uk"])
    assert compare.email(first, elsewhere)[0] == "different"  # another domain
    assert compare.email(first, f(emails=["robert.presmr@smithmedia.com"]))[0] == "typo"
    # Free-mail accounts with numbers are a person's own choice, not a company's.
    personal = f(emails=["john.smith@gmail.com"])
    assert compare.email(personal, f(emails=["john.smith2@gmail.com"]))[0] == "different"


def test_a_personal_address_and_a_work_address_are_no_evidence() -> None:
    personal = f(emails=["kenneth.phillips69@gmail.com"])
    work = f(emails=["kphillips@fordrow.com"])
    assert compare.email(personal, work) == ("personal_and_work", None)
    assert compare.email(work, personal) == ("personal_and_work", None)
    assert compare.email(work, f(emails=["kp@mail.fordrow.com"]))[0] == "different"
    assert compare.email(personal, f(emails=["ken.p@yahoo.com"]))[0] == "different"
    both = f(emails=["ken.p@yahoo.com", "kenp@other.com"])
    assert compare.email(work, both)[0] == "different"  # two work addresses disagree


def test_role_addresses_are_never_compared() -> None:
    assert compare.email(f(emails=["info@acme.com"]), f(emails=["info@acme.com"])) is None


def test_phone_levels() -> None:
    number = f(phones=["+1 415 555 0100"])
    assert compare.phone(number, f(phones=["(415) 555-0100"], address={"country": "US"})) == (
        "exact",
        "phone:+14155550100",
    )
    assert compare.phone(number, f(phones=["555-0100 x", "415 5550100"]))[0] == "tail"
    assert compare.phone(number, f(phones=["+44 20 7946 0958"]))[0] == "different"


def test_company_levels() -> None:
    acme = f(company_name="ACME, Inc.", emails=["a@acme.com"])
    assert compare.company(acme, f(company_name="Acme")) == ("exact", "f_company:acme")
    assert compare.company(acme, f(company_domains=["https://www.acme.com/about"]))[0] == "exact"
    assert (
        compare.company(f(company_name="Acme Industries"), f(company_name="Acme Industriez"))[0]
        == "similar"
    )
    assert compare.company(acme, f(company_name="Globex"))[0] == "different"


def test_a_company_name_agrees_with_the_domain_it_names() -> None:
    named = f(company_name="Union Foods Inc.")
    by_mail = f(emails=["rbernmer@unionfoods.com"])
    assert compare.company(named, by_mail) == ("exact", "f_cname:unionfoods")
    assert compare.company(by_mail, named) == ("exact", "f_cname:unionfoods")
    hyphenated = f(company_domains=["https://union-foods.co.uk"])
    assert compare.company(named, hyphenated) == ("exact", "f_cname:unionfoods")
    # Both hold the key whose count sets u: a name and a domain count alike.
    assert "f_cname:unionfoods" in named.all_keys()
    assert "f_cname:unionfoods" in by_mail.all_keys()


def test_one_company_name_at_two_sets_of_domains_may_be_two_companies() -> None:
    pharma = f(company_name="Prime Pharma LLC", emails=["wei_jackson@primepharma.io"])
    other = f(company_name="Prime Pharma", emails=["wjackson@primepharma2.com"])
    assert compare.company(pharma, other) == ("other_domains", None)
    assert compare.company(pharma, f(emails=["w@primepharma.com"])) == ("other_domains", None)
    # One side without a domain, or a domain in common: the name decides as before.
    assert compare.company(pharma, f(company_name="Prime Pharma"))[0] == "exact"
    both = f(company_name="Prime Pharma", emails=["a@primepharma.io", "b@primepharma.de"])
    assert compare.company(pharma, both) == ("exact", "f_company:prime pharma")


def test_a_company_name_differs_from_a_domain_naming_something_else() -> None:
    named = f(company_name="Union Foods")
    assert compare.company(named, f(emails=["a@unionfood.com"]))[0] == "different"
    assert compare.company(named, f(emails=["a@foods.com"]))[0] == "different"
    assert compare.company(f(company_name="AB"), f(emails=["a@ab.com"]))[0] == "different"


def test_place_and_birth_date_levels() -> None:
    here = f(
        address={"postal_code": "94105-1234", "city": "San Francisco"}, birth_date="1985-03-07"
    )
    there = f(address={"postal_code": "94105", "city": "SAN FRANCISCO"}, birth_date="1985-07-03")
    assert compare.postal_code(here, there) == ("exact", "f_postal:94105")
    assert compare.city(here, there) == ("exact", "f_city:san francisco")
    assert compare.birth_date(here, there) == ("transposed", None)
    assert compare.birth_date(here, f(birth_date="1985-03-07"))[0] == "exact"
    assert compare.birth_date(here, f(birth_date="1990-01-01"))[0] == "different"
