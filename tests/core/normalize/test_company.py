from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.normalize.company import company_stem, domain_stem, normalize_company_name


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("ACME, Inc.", "acme"),
        ("Acme Inc", "acme"),
        ("acme", "acme"),
        ("  Acme   Corp. ", "acme"),
        ("The Acme Company", "acme"),
        ("Acme Widgets Pty Ltd", "acme widgets"),
        ("Acme Ltd.", "acme"),
        ("Acme plc", "acme"),
        ("Acme LLC", "acme"),
        ("Acme L.L.C.", "acme"),
        ("Siemens AG", "siemens"),
        ("Foo GmbH & Co. KG", "foo"),
        ("Société Générale S.A.", "societe generale"),
        ("Philips N.V.", "philips"),
        ("Acme B.V.", "acme"),
        ("Polska Sp. z o.o.", "polska"),
        ("Maersk A/S", "maersk"),
        ("Smith & Co.", "smith"),
        ("Procter & Gamble Co.", "procter and gamble"),
        ("McDonald's Corporation", "mcdonalds"),
        ("Hewlett-Packard", "hewlett packard"),
        ("Yahoo!", "yahoo"),
        ("Amazon.com, Inc.", "amazon com"),
    ],
)
def test_legal_forms_and_punctuation_are_removed(raw: str, normalized: str) -> None:
    assert normalize_company_name(raw) == normalized


def test_spellings_of_one_company_agree() -> None:
    spellings = ["ACME, Inc.", "Acme Inc", "acme incorporated", "The ACME Company"]
    assert {normalize_company_name(name) for name in spellings} == {"acme"}


def test_a_name_made_only_of_a_legal_form_is_not_emptied() -> None:
    assert normalize_company_name("Company") == "company"
    assert normalize_company_name("Inc.") == "inc"


def test_legal_words_inside_a_name_are_kept() -> None:
    assert normalize_company_name("Inc Publishing Group") == "inc publishing group"
    assert normalize_company_name("Co-operative Bank plc") == "co operative bank"


def test_a_company_name_and_its_domain_have_one_stem() -> None:
    assert company_stem(normalize_company_name("Union Foods, Inc.")) == "unionfoods"
    assert domain_stem("unionfoods.com") == "unionfoods"
    assert domain_stem("union-foods.co.uk") == "unionfoods"


def test_too_short_a_stem_names_nothing() -> None:
    assert company_stem("ab") is None
    assert company_stem(None) is None
    assert domain_stem("ab.com") is None
    assert domain_stem(None) is None


def test_empty_input_gives_an_empty_string() -> None:
    assert normalize_company_name("") == ""
    assert normalize_company_name(None) == ""
    assert normalize_company_name(" ., ") == ""


_WORDS = st.sampled_from(["the", "acme", "Inc.", "and", "&", "Co", "S.A.", "GmbH", "ltd", "ß", "é"])


@given(st.text(max_size=60) | st.lists(_WORDS, max_size=8).map(" ".join))
def test_normalization_is_idempotent(raw: str) -> None:
    once = normalize_company_name(raw)
    assert normalize_company_name(once) == once
