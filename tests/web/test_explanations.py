"""Link explanations in words: every comparison level the scorer writes has a label."""

from __future__ import annotations

from web.explanations import describe_link, weights


def test_neutral_levels_say_they_are_no_evidence() -> None:
    rows = weights(
        {
            "email": {"level": "personal_and_work", "weight": 0.0},
            "phone": {"level": "shared", "weight": 0.0},
            "given_name": {"level": "nickname", "weight": 6.5},
        }
    )

    labels = {row.name: row.level_label for row in rows}
    assert labels == {
        "email": "work vs personal address (no evidence)",
        "phone": "shared by differently named people (no evidence)",
        "given_name": "nickname",
    }
    assert rows[0].name == "given_name"  # strongest evidence first


def test_a_score_at_the_link_threshold_that_did_not_link_says_why() -> None:
    thresholds = {"auto_link": 20.0, "review": 10.0}
    colleagues = {
        "given_name": {"level": "exact", "weight": 7.0},
        "family_name": {"level": "exact", "weight": 4.0},
        "email": {"level": "numbered", "weight": -1.15},
        "company": {"level": "exact", "weight": 11.5},
    }
    item = describe_link(
        {"rule": "probable_match", "total": 21.35, "fields": colleagues, "thresholds": thresholds}
    )
    assert item.headline == (
        "Scored 21.4 bits, at or above the auto-link threshold of 20.0, but numbered "
        "addresses at one company say these are two colleagues: a person decides."
    )
    runner_up = {**colleagues, "email": {"level": "different", "weight": -1.15}}
    item = describe_link(
        {"rule": "probable_match", "total": 21.35, "fields": runner_up, "thresholds": thresholds}
    )
    assert item.headline.endswith(
        "but the record was linked to a customer that scored higher: a person decides."
    )
    name_only = {
        "given_name": colleagues["given_name"],
        "family_name": {"level": "exact", "weight": 14.0},
    }
    new = describe_link(
        {"rule": "new", "thresholds": thresholds, "best": {"total": 21.0, "fields": name_only}}
    )
    assert new.headline == (
        "Started this customer: the closest existing customer scored 21.0 bits, at or above "
        "the auto-link threshold of 20.0, but nothing besides the name agrees."
    )
    below = describe_link(
        {"rule": "new", "thresholds": thresholds, "best": {"total": 12.0, "fields": name_only}}
    )
    assert below.headline.endswith("scored 12.0 bits, below the auto-link threshold of 20.0.")


def test_a_bridge_says_which_customer_it_merged_in_and_which_went_to_review() -> None:
    described = describe_link(
        {
            "rule": "email",
            "keys": ["email:ann@acme.com"],
            "merged": [{"customer_id": 42, "keys": ["phone:+14155550111"]}],
            "conflicts": [["phone:+14155550199"]],
        }
    )
    assert described.headline.startswith("Linked because it has the same email address")
    assert described.notes == [
        "Customer #42 had phone +14155550111; every record of both names the same person, "
        "so it was merged into this customer (see Merge history to undo).",
        "Another customer also has phone +14155550199; the pair was sent to review.",
    ]


def test_a_key_linked_record_asked_about_another_customer_says_what_linked_it() -> None:
    thresholds = {"auto_link": 20.0, "review": 10.0}
    fields = {
        "given_name": {"level": "exact", "weight": 7.0},
        "family_name": {"level": "exact", "weight": 4.0},
        "company": {"level": "exact", "weight": 11.5},
    }
    data = {"rule": "probable_match", "fields": fields, "thresholds": thresholds}
    linked = {**data, "linked_by": ["phone:+14155550100"]}
    high = describe_link({**linked, "total": 22.5})
    assert high.headline == (
        "Scored 22.5 bits, at or above the auto-link threshold of 20.0, but the record was "
        "linked to another customer by a shared key and a score never merges two "
        "customers: a person decides."
    )
    assert high.notes == ["The record was linked elsewhere by phone +14155550100."]
    low = describe_link({**linked, "total": 14.0})
    assert low.headline.startswith("Scored 14.0 bits: at or above the review threshold")
    assert low.notes == high.notes
    assert describe_link({**data, "total": 14.0}).notes == []
