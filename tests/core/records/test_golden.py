"""Survivorship rules, computed from plain records (no database)."""

from datetime import UTC, datetime, timedelta

import pytest

from core.records import RecordView, SurvivorshipRules, changed_fields, compute_golden, values_of

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def view(record_id: int, minutes: int = 0, kind: str = "csvimport", **mapped) -> RecordView:
    return RecordView(record_id, kind, mapped, T0 + timedelta(minutes=minutes))


def golden(records, rules=None, pinned=None, previous=None, now=T0):
    return compute_golden(
        records, rules or SurvivorshipRules(), pinned=pinned or {}, previous=previous or {}, now=now
    )


def test_most_recent_wins_for_job_title() -> None:
    result = golden([view(1, 0, job_title="Engineer"), view(2, 5, job_title="CTO")])
    assert result["job_title"]["value"] == "CTO"
    assert result["job_title"]["source_record_id"] == 2
    assert result["job_title"]["rule"] == "most_recent"


def test_most_frequent_name_beats_a_newer_spelling() -> None:
    records = [
        view(1, 0, given_name="Robert"),
        view(2, 1, given_name="robert"),
        view(3, 9, given_name="Bob"),
    ]
    result = golden(records)
    assert result["given_name"]["value"] == "robert"  # the newest spelling of the majority
    assert result["given_name"]["source_record_id"] == 2


def test_most_complete_address() -> None:
    full = {"street": "1 Main St", "city": "Springfield", "postal_code": "12345"}
    records = [view(1, 0, address=full), view(2, 9, address={"city": "Springfield"})]
    result = golden(records)
    assert result["address"]["value"] == full
    assert result["address"]["source_record_id"] == 1


def test_oldest_lead_source_is_the_first_touch() -> None:
    result = golden([view(1, 0, lead_source="webinar"), view(2, 5, lead_source="ads")])
    assert result["lead_source"]["value"] == "webinar"


def test_source_priority_prefers_the_ranked_tool_over_a_newer_value() -> None:
    rules = SurvivorshipRules.from_setting(
        {"source_priority": ["zendesk", "csvimport"], "fields": {"job_title": "source_priority"}}
    )
    records = [
        view(1, 0, kind="zendesk", job_title="Head of Support"),
        view(2, 9, kind="csvimport", job_title="Manager"),
        view(3, 20, kind="gmail", job_title="Intern"),
    ]
    assert golden(records, rules)["job_title"]["value"] == "Head of Support"


def test_unknown_rules_in_the_setting_are_ignored() -> None:
    rules = SurvivorshipRules.from_setting({"fields": {"job_title": "loudest", "emails": "oldest"}})
    assert rules.rule_for("job_title") == "most_recent"
    assert rules.rule_for("emails") == "union"


def test_emails_are_a_union_with_the_most_frequent_personal_address_first() -> None:
    records = [
        view(1, 0, emails=["INFO@acme.com", "ann@acme.com"]),
        view(2, 5, emails=["ann@acme.com", "ann.lee@gmail.com"]),
        view(3, 9, emails=["info@acme.com"]),
    ]
    entry = golden(records)["emails"]
    assert entry["value"][0] == "ann@acme.com"  # twice, and personal
    assert set(entry["value"]) == {"ann@acme.com", "ann.lee@gmail.com", "info@acme.com"}
    assert entry["sources"]["ann.lee@gmail.com"] == 2


def test_a_role_address_is_never_primary_while_a_personal_one_exists() -> None:
    records = [view(1, 0, emails=["sales@acme.com"]), view(2, 1, emails=["sales@acme.com"])]
    records.append(view(3, 2, emails=["bo@acme.com"]))
    assert golden(records)["emails"]["value"][0] == "bo@acme.com"


def test_phones_are_normalized_before_the_union() -> None:
    records = [
        view(1, 0, phones=["+1 415 555 0100"]),
        view(2, 5, phones=["(415) 555-0100", "+44 20 7946 0958"], address={"country": "US"}),
    ]
    assert golden(records)["phones"]["value"] == ["+14155550100", "+442079460958"]


def test_custom_fields_take_each_key_from_the_newest_record() -> None:
    records = [
        view(1, 0, custom_fields={"plan": "free", "seats": 3}),
        view(2, 5, custom_fields={"plan": "pro"}),
    ]
    entry = golden(records)["custom_fields"]
    assert entry["value"] == {"plan": "pro", "seats": 3}
    assert entry["sources"] == {"plan": 2, "seats": 1}


def test_full_name_comes_from_the_parts_when_missing() -> None:
    result = golden([view(1, 0, given_name="Ann", family_name="Lee")])
    assert result["full_name"]["value"] == "Ann Lee"


def test_given_and_family_come_from_a_parsed_full_name() -> None:
    result = golden([view(1, 0, full_name="Dr. Jane A. Smith")])
    assert (result["given_name"]["value"], result["family_name"]["value"]) == ("Jane", "Smith")


def test_a_pinned_value_wins_over_every_source() -> None:
    pinned = {"job_title": {"value": "Founder", "actor": "admin@x.com"}}
    result = golden([view(1, 0, job_title="CTO")], pinned=pinned)
    assert result["job_title"] == {
        "value": "Founder",
        "source_record_id": None,
        "rule": "pinned",
        "actor": "admin@x.com",
        "changed_at": T0.isoformat(),
    }


def test_changed_at_is_kept_while_the_value_stays() -> None:
    first = golden([view(1, 0, job_title="CTO")], now=T0)
    later = T0 + timedelta(days=1)
    again = golden([view(1, 0, job_title="CTO"), view(2, 1, city="x")], previous=first, now=later)
    assert again["job_title"]["changed_at"] == T0.isoformat()
    moved = golden([view(2, 1, job_title="CEO")], previous=first, now=later)
    assert moved["job_title"]["changed_at"] == later.isoformat()


def test_changed_fields_and_values() -> None:
    old = golden([view(1, 0, job_title="CTO", given_name="Ann")])
    new = golden([view(1, 0, job_title="CEO", given_name="Ann", lifecycle_stage="lead")])
    assert changed_fields(old, new) == {"job_title", "lifecycle_stage"}
    assert values_of(new)["job_title"] == "CEO"


def test_the_same_records_give_the_same_golden_record() -> None:
    records = [
        view(3, 5, given_name="Ann"),
        view(1, 5, given_name="Anne"),
        view(2, 5, job_title="x"),
    ]
    assert golden(records) == golden(list(reversed(records)))
    # equal times: the higher record id counts as newer
    assert golden(records)["given_name"]["source_record_id"] == 3


@pytest.mark.parametrize("rule", ["most_recent", "oldest", "most_frequent", "most_complete"])
def test_every_single_value_rule_is_accepted_from_the_setting(rule: str) -> None:
    rules = SurvivorshipRules.from_setting({"fields": {"company_name": rule}})
    result = golden([view(1, 0, company_name="Acme"), view(2, 3, company_name="Acme Corp")], rules)
    assert result["company_name"]["rule"] == rule
