"""Fellegi-Sunter weights: log2(m/u) per level, value frequencies for u, overrides."""

import math

import pytest

from core.identity.features import extract
from core.identity.weights import DEFAULT_M, DEFAULT_U, Scorer, m_table, match_weight, u_table


def test_agreement_weight_is_log2_m_over_u() -> None:
    assert match_weight(0.9, 0.01) == pytest.approx(math.log2(90))
    assert match_weight(0.04, 0.96) == pytest.approx(math.log2(0.04 / 0.96))
    assert match_weight(0.5, 0.5) == 0


def test_probabilities_are_kept_away_from_zero_and_one() -> None:
    assert math.isfinite(match_weight(1.0, 0.0))
    assert math.isfinite(match_weight(0.0, 1.0))


def test_each_u_row_gets_its_disagreement_level() -> None:
    table = u_table()
    for field, levels in table.items():
        assert sum(levels.values()) == pytest.approx(1.0), field
    assert table["given_name"]["different"] == pytest.approx(
        1 - sum(DEFAULT_U["given_name"].values())
    )


def test_overrides_replace_defaults() -> None:
    assert u_table({"city": {"exact": 0.5}})["city"] == {"exact": 0.5, "different": 0.5}
    table = m_table({"city": {"exact": 0.6}}, {"city": {"exact": 0.9}})
    assert table["city"]["exact"] == 0.9
    assert table["city"]["different"] == DEFAULT_M["city"]["different"]


def fixed_u(_field: str, _key: str, prior: float) -> float:
    return prior


def test_a_total_is_the_sum_of_field_weights() -> None:
    scorer = Scorer(m_table(), u_table(), fixed_u, set())
    score = scorer.score(
        extract({"given_name": "Bob", "family_name": "Smith", "birth_date": "1980-01-02"}),
        extract({"given_name": "Robert", "family_name": "Smith", "birth_date": "1980-02-01"}),
    )
    assert set(score.fields) == {"given_name", "family_name", "birth_date"}
    assert score.fields["given_name"].level == "nickname"
    assert score.fields["birth_date"].level == "transposed"
    assert score.total == pytest.approx(sum(f.weight for f in score.fields.values()))
    expected = match_weight(DEFAULT_M["family_name"]["exact"], DEFAULT_U["family_name"]["exact"])
    assert score.fields["family_name"].weight == pytest.approx(expected)


def test_disagreement_subtracts() -> None:
    scorer = Scorer(m_table(), u_table(), fixed_u, set())
    score = scorer.score(
        extract({"birth_date": "1980-01-02"}), extract({"birth_date": "1971-05-06"})
    )
    assert score.total < -4


def test_a_personal_address_beside_a_work_address_weighs_nothing_and_never_links() -> None:
    scorer = Scorer(m_table(), u_table(), fixed_u, set())
    score = scorer.score(
        extract({"full_name": "Ken Phillips", "emails": ["kenneth.phillips69@gmail.com"]}),
        extract({"full_name": "Ken Phillips", "emails": ["kphillips@fordrow.com"]}),
    )
    email = score.fields["email"]
    assert (email.level, email.weight) == ("personal_and_work", 0.0)
    assert not score.may_link  # the name is still all that agrees


def test_numbered_colleagues_never_link_whatever_else_agrees() -> None:
    scorer = Scorer(m_table(), u_table(), fixed_u, set())
    office = {"city": "Austin", "postal_code": "78701"}
    first = {"full_name": "Robert Presmer", "company_name": "Smith Media", "address": office}
    score = scorer.score(
        extract({**first, "emails": ["robert.presmer@smithmedia.com"]}),
        extract({**first, "emails": ["robert.presmer2@smithmedia.com"]}),
    )
    email = score.fields["email"]
    assert email.level == "numbered"
    assert email.weight == pytest.approx(
        match_weight(DEFAULT_M["email"]["different"], u_table()["email"]["different"])
    )
    assert score.total > 20  # name, company and place agree ...
    assert not score.may_link  # ... but the numbers say two people: review at most


def test_a_city_the_postal_code_names_adds_nothing_of_its_own() -> None:
    scorer = Scorer(m_table(), u_table(), fixed_u, set())
    home = {"city": "Boston", "postal_code": "02110"}
    both = scorer.score(
        extract({"full_name": "Bob Miller", "address": home}),
        extract({"full_name": "Bill Miller", "address": dict(home)}),
    )
    assert (both.fields["city"].level, both.fields["city"].weight) == ("implied", 0.0)
    assert both.fields["postal_code"].weight > 0
    assert both.total == pytest.approx(sum(f.weight for f in both.fields.values()))
    moved = scorer.score(
        extract({"full_name": "Bob Miller", "address": home}),
        extract({"full_name": "Bob Miller", "address": {"city": "Boston", "postal_code": "02116"}}),
    )
    assert moved.fields["city"].level == "exact"  # another postal code: the city is news
    assert moved.fields["city"].weight > 0
    no_code = scorer.score(
        extract({"full_name": "Bob Miller", "address": {"city": "Boston"}}),
        extract({"full_name": "Bob Miller", "address": home}),
    )
    assert no_code.fields["city"].weight > 0


def test_a_rare_value_weighs_more_than_a_common_one() -> None:
    def frequency(_field: str, key: str, _prior: float) -> float:
        return {"f_family:smith": 0.01, "f_family:zyskowski": 0.00001}[key]

    scorer = Scorer(m_table(), u_table(), frequency, set())
    common = scorer.score(extract({"family_name": "Smith"}), extract({"family_name": "Smith"}))
    rare = scorer.score(
        extract({"family_name": "Zyskowski"}), extract({"family_name": "Zyskowski"})
    )
    assert rare.total - common.total == pytest.approx(math.log2(1000))


def test_a_fixed_exact_u_ignores_the_frequencies() -> None:
    def frequency(*_args: object) -> float:
        raise AssertionError("frequency must not be asked for a fixed field")

    scorer = Scorer(
        m_table(), u_table({"family_name": {"exact": 0.25}}), frequency, {"family_name"}
    )
    score = scorer.score(extract({"family_name": "Smith"}), extract({"family_name": "Smith"}))
    assert score.fields["family_name"].u == 0.25


def test_the_explanation_is_plain_data() -> None:
    scorer = Scorer(m_table(), u_table(), fixed_u, set())
    explained = scorer.score(
        extract({"given_name": "Ann"}), extract({"given_name": "Ann"})
    ).explain()
    assert explained == {
        "total": explained["fields"]["given_name"]["weight"],
        "fields": {"given_name": {"level": "exact", "weight": 6.32, "m": 0.8, "u": 0.01}},
    }
