"""Scored links: nicknames and typos, people who share a name, thresholds and explanations."""

import pytest

from core.db import Database
from core.identity import IdentityOptions, ingest_batch
from core.models import SourceRecord
from tests.core.identity.support import KATHERINE, active_customers, ingest, open_items


def test_nickname_and_typo_with_the_same_workplace_and_birth_date_link(
    database: Database, sources: list[int]
) -> None:
    first = ingest(database, sources[0], "c1", **KATHERINE, birth_date="1984-03-09")
    kathy = ingest(
        database,
        sources[1],
        "z1",
        given_name="Kathy",
        family_name="Jonson",
        emails=["kathy.j@gmail.com"],
        company_name="ACME Inc.",
        address={"postal_code": "94105", "city": "san francisco"},
        birth_date="1984-03-09",
    )
    assert (kathy.action, kathy.customer_id) == ("linked", first.customer_id)
    explanation = kathy.explanation
    assert explanation["rule"] == "probabilistic"
    assert explanation["compared_with"] == first.source_record_id
    assert explanation["fields"]["given_name"]["level"] == "nickname"
    assert explanation["fields"]["family_name"]["level"] == "typo"
    # a work and a personal address never coincide: their difference weighs nothing
    assert explanation["fields"]["email"]["level"] == "personal_and_work"
    assert explanation["fields"]["email"]["weight"] == 0
    # the postal code already names the city: one fact, counted once
    assert explanation["fields"]["city"] == {"level": "implied", "weight": 0, "m": 0, "u": 0}
    assert explanation["total"] >= explanation["thresholds"]["auto_link"]
    weights = [f["weight"] for f in explanation["fields"].values()]  # each rounded to 0.01
    assert explanation["total"] == pytest.approx(sum(weights), abs=0.005 * len(weights))
    with database.session() as session:
        record = session.get(SourceRecord, kathy.source_record_id)
        assert (record.link_rule, record.link_explanation) == ("probabilistic", explanation)


def test_a_namesake_with_the_next_numbered_work_address_waits_for_review(
    database: Database, sources: list[int]
) -> None:
    first = ingest(database, sources[0], "c1", **KATHERINE, birth_date="1984-03-09")
    second = ingest(database, sources[1], "z1", **{**KATHERINE, "emails": ["kjohnson2@acme.com"]})
    assert second.action == "review"
    assert second.customer_id != first.customer_id
    best = second.explanation["best"]
    assert best["fields"]["email"]["level"] == "numbered"
    assert best["total"] >= second.explanation["thresholds"]["auto_link"]  # all else agrees
    [item] = open_items(database)
    assert (item.source_record_id, item.candidate_record_id) == (
        second.source_record_id,
        first.source_record_id,
    )


def test_a_company_named_by_a_domain_weighs_as_common_as_the_name(
    database: Database, sources: list[int]
) -> None:
    ingest(database, sources[0], "c1", full_name="Ann Rowe", company_name="Union Foods Inc.")
    by_mail = ingest(
        database, sources[1], "z1", full_name="Ann Rowe", emails=["arowe@unionfoods.com"]
    )
    company = by_mail.explanation["best"]["fields"]["company"]
    assert company["level"] == "exact"
    # One stored record names the company: u = (1 + 100 * 0.005) / (1 + 100), where the
    # new record's own domain, held by nobody yet, gave the rarest u (0.5 / 101).
    assert company["u"] == pytest.approx(1.5 / 101, rel=0.01)


def test_nickname_and_typo_with_less_evidence_go_to_review(
    database: Database, sources: list[int]
) -> None:
    first = ingest(database, sources[0], "c1", **KATHERINE)
    kathy = ingest(
        database,
        sources[1],
        "z1",
        given_name="Kathy",
        family_name="Jonson",
        company_name="Acme Inc",
    )
    assert kathy.action == "review"
    assert kathy.customer_id != first.customer_id  # kept apart until someone decides
    best = kathy.explanation["best"]
    assert (
        kathy.explanation["thresholds"]["review"]
        <= best["total"]
        < kathy.explanation["thresholds"]["auto_link"]
    )
    [item] = open_items(database)
    assert (item.reason, item.source_record_id, item.candidate_record_id) == (
        "probable_match",
        kathy.source_record_id,
        first.source_record_id,
    )
    assert item.score == best["total"]
    assert item.explanation["fields"] == best["fields"]


def test_a_company_name_and_a_work_address_at_its_domain_agree(
    database: Database, sources: list[int]
) -> None:
    first = ingest(
        database,
        sources[0],
        "c1",
        given_name="Patricia",
        family_name="Linder",
        emails=["patricial@summitcapital.com"],
        address={"postal_code": "02110", "city": "Boston", "country": "US"},
    )
    trish = ingest(
        database,
        sources[1],
        "z1",
        given_name="Trish",
        family_name="Linder",
        company_name="Summit Capital Inc.",
        address={"postal_code": "02110", "city": "Boston"},
    )
    assert (trish.action, trish.customer_id) == ("linked", first.customer_id)
    company = trish.explanation["fields"]["company"]
    assert company["level"] == "exact"
    assert company["weight"] > 0


def test_a_family_name_typo_early_on_is_still_compared_with_the_colleague_record(
    database: Database, sources: list[int]
) -> None:
    first = ingest(
        database,
        sources[0],
        "c1",
        given_name="Tom",
        family_name="Williams",
        emails=["twilliams@summitcapital.com"],
    )
    typo = ingest(
        database, sources[1], "z1", full_name="Thomas Wisliams", company_name="Summit Capital"
    )
    assert typo.explanation["compared_with"] == first.source_record_id


def test_different_people_with_the_same_name_are_not_merged(
    database: Database, sources: list[int]
) -> None:
    boston = ingest(
        database,
        sources[0],
        "c1",
        given_name="John",
        family_name="Smith",
        emails=["john.smith@globex.com"],
        phones=["+1 617 555 0134"],
        company_name="Globex",
        address={"postal_code": "02110", "city": "Boston", "country": "US"},
    )
    denver = ingest(
        database,
        sources[1],
        "z1",
        given_name="John",
        family_name="Smith",
        emails=["jsmith@initech.com"],
        phones=["+1 303 555 0188"],
        company_name="Initech",
        address={"postal_code": "80202", "city": "Denver", "country": "US"},
    )
    assert denver.action == "created"
    assert denver.customer_id != boston.customer_id
    assert denver.explanation["best"]["total"] < denver.explanation["thresholds"]["review"]
    assert open_items(database) == []
    assert active_customers(database) == 2


def test_a_contradicting_birth_date_outweighs_a_shared_name(
    database: Database, sources: list[int]
) -> None:
    ingest(
        database,
        sources[0],
        "c1",
        given_name="Zbigniew",
        family_name="Kowalczyk",
        birth_date="1961-04-02",
    )
    twin = ingest(
        database,
        sources[1],
        "z1",
        given_name="Zbigniew",
        family_name="Kowalczyk",
        birth_date="1994-11-30",
    )
    assert twin.action == "created"
    assert twin.explanation["best"]["fields"]["birth_date"]["level"] == "different"


def test_thresholds_are_options(database: Database, sources: list[int]) -> None:
    first = ingest(database, sources[0], "c1", **KATHERINE)
    lenient = IdentityOptions(auto_link_threshold=12.0, review_threshold=6.0)
    kathy = ingest(
        database,
        sources[1],
        "z1",
        lenient,
        given_name="Kathy",
        family_name="Jonson",
        company_name="Acme Inc",
    )
    assert (kathy.action, kathy.customer_id) == ("linked", first.customer_id)
    strict = IdentityOptions(auto_link_threshold=60.0, review_threshold=50.0)
    other = ingest(
        database,
        sources[2],
        "f1",
        strict,
        given_name="Katherine",
        family_name="Johnson",
        company_name="Acme",
    )
    assert other.action == "created"


def test_records_of_one_person_in_one_batch_link_to_each_other(
    database: Database, sources: list[int]
) -> None:
    results = ingest_batch(
        database,
        sources[0],
        [
            ("a", {}, KATHERINE),
            ("b", {}, {**KATHERINE, "given_name": "Kathy", "emails": []}),
            ("c", {}, {"emails": ["kjohnson@acme.com"], "job_title": "VP Sales"}),
        ],
    )
    assert [r.action for r in results] == ["created", "linked", "linked"]
    assert len({r.customer_id for r in results}) == 1
    assert results[1].explanation["compared_with"] == results[0].source_record_id


def test_a_name_alone_never_links(database: Database, sources: list[int]) -> None:
    lenient = IdentityOptions(auto_link_threshold=8.0, review_threshold=4.0)
    first = ingest(
        database, sources[0], "c1", lenient, given_name="Zbigniew", family_name="Kowalczyk"
    )
    again = ingest(
        database, sources[1], "z1", lenient, given_name="Zbigniew", family_name="Kowalczyk"
    )
    assert again.action == "review"
    assert again.customer_id != first.customer_id
    assert again.explanation["best"]["total"] >= lenient.auto_link_threshold


def test_contradicting_names_never_auto_link(database: Database, sources: list[int]) -> None:
    lenient = IdentityOptions(auto_link_threshold=8.0, review_threshold=4.0)
    office = {
        "company_name": "Garhurst Solutions",
        "address": {"postal_code": "EC1A 1BB", "city": "London"},
    }
    ingest(database, sources[0], "c1", lenient, given_name="Ethan", family_name="Smith", **office)
    tony = ingest(
        database, sources[1], "z1", lenient, given_name="Tony", family_name="Smith", **office
    )
    assert tony.action == "review"
    assert tony.explanation["best"]["fields"]["given_name"]["level"] == "different"


def test_a_switchboard_number_is_no_evidence_between_different_names(
    database: Database, sources: list[int]
) -> None:
    switchboard = "+44 20 7946 0000"
    ingest(
        database,
        sources[0],
        "c1",
        given_name="Charles",
        family_name="Kessmann",
        phones=[switchboard],
    )
    other = ingest(
        database,
        sources[1],
        "z1",
        given_name="Charlie",
        family_name="Thornmore",
        phones=[switchboard],
    )
    assert other.action == "created"
    phone = other.explanation["best"]["fields"]["phone"]
    assert (phone["level"], phone["weight"]) == ("shared", 0.0)
