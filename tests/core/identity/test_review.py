"""The review queue: listing, "same" merges, "different" is remembered and never asked again."""

import pytest
from sqlalchemy import select

from core.db import Database
from core.identity import (
    IdentityError,
    ReviewItemNotFound,
    decide_review,
    list_review_items,
    merge_customers,
    rebuild,
)
from core.models import Customer, NonMatch, ReviewItem
from tests.core.identity.support import active_customers, event_types, ingest, open_items

ANN = {"given_name": "Katherine", "family_name": "Thistlewood", "company_name": "Acme"}
ANNIE = {"given_name": "Kathy", "family_name": "Thistlewood", "company_name": "Acme Inc"}


def queued_pair(database: Database, sources: list[int]) -> tuple:
    first = ingest(database, sources[0], "c1", **ANN)
    second = ingest(database, sources[1], "z1", **ANNIE)
    assert second.action == "review"
    return first, second


def test_items_are_listed_with_both_records(database: Database, sources: list[int]) -> None:
    _, second = queued_pair(database, sources)
    with database.session() as session:
        [item] = list_review_items(session)
        assert list_review_items(session, status="different") == []
        assert list_review_items(session, limit=1, offset=1) == []
    assert (item["status"], item["reason"]) == ("open", "probable_match")
    assert item["record"]["id"] == second.source_record_id
    assert item["record"]["customer"]["id"] == second.customer_id
    assert item["candidate"]["customer"]["full_name"] == "Katherine Thistlewood"
    assert item["explanation"]["fields"]["given_name"]["level"] == "nickname"


def test_the_queue_reads_likeliest_first_or_newest_first(
    database: Database, sources: list[int]
) -> None:
    first, second = queued_pair(database, sources)
    [queued] = open_items(database)
    assert 12.5 < queued.score < 18.0  # the pair the resolver queued sits in the middle
    added = [("probable_match", 12.5), ("key_conflict", None), ("probable_match", 18.0)]
    with database.session() as session:
        for reason, score in added:
            session.add(
                ReviewItem(
                    status="open",
                    reason=reason,
                    score=score,
                    source_record_id=second.source_record_id,
                    candidate_record_id=first.source_record_id,
                )
            )
    with database.session() as session:
        likely = list_review_items(session, order="likely")
        newest = list_review_items(session, order="newest")
        with pytest.raises(IdentityError, match="unknown review order 'best'"):
            list_review_items(session, order="best")
    assert [(i["reason"], i["score"]) for i in likely] == [
        ("key_conflict", None),
        ("probable_match", 18.0),
        ("probable_match", queued.score),
        ("probable_match", 12.5),
    ]
    assert [i["id"] for i in newest] == sorted((i["id"] for i in likely), reverse=True)


def test_same_merges_the_newer_customer_into_the_older(
    database: Database, sources: list[int]
) -> None:
    first, second = queued_pair(database, sources)
    item_id = open_items(database)[0].id
    with database.session() as session:
        decided = decide_review(session, item_id, "same", actor="admin@x.com")
    assert (decided["status"], decided["decided_by"]) == ("same", "admin@x.com")
    assert decided["record"]["customer"]["id"] == first.customer_id
    with database.session() as session:
        assert session.get(Customer, second.customer_id).merged_into_id == first.customer_id
    assert active_customers(database) == 1
    assert event_types(database, first.customer_id)[-1] == "customer.merged"


def test_different_is_remembered_and_never_proposed_again(
    database: Database, sources: list[int]
) -> None:
    first, second = queued_pair(database, sources)
    with database.session() as session:
        decide_review(session, open_items(database)[0].id, "different", actor="admin@x.com")
        pairs = session.execute(
            select(NonMatch.record_a_id, NonMatch.record_b_id, NonMatch.actor)
        ).all()
    assert pairs == [(first.source_record_id, second.source_record_id, "admin@x.com")]
    changed = ingest(database, sources[1], "z1", **ANNIE, job_title="Buyer")
    assert changed.action == "updated"
    assert open_items(database) == []
    stats = rebuild(database)
    assert stats.reviews == 0
    assert open_items(database) == []
    assert active_customers(database) == 2


def test_different_survives_a_later_merge(database: Database, sources: list[int]) -> None:
    first, _ = queued_pair(database, sources)
    with database.session() as session:
        decide_review(session, open_items(database)[0].id, "different", actor="admin")
    third = ingest(database, sources[2], "f1", full_name="Zed Q", emails=["zq@zq.example"])
    with database.session() as session:
        merge_customers(session, third.customer_id, first.customer_id, actor="admin")
    again = ingest(database, sources[1], "z1", **ANNIE, job_title="Buyer")
    assert again.action == "updated"
    assert open_items(database) == []


def test_a_decision_is_taken_once(database: Database, sources: list[int]) -> None:
    queued_pair(database, sources)
    item_id = open_items(database)[0].id
    with database.session() as session:
        with pytest.raises(IdentityError, match="either 'same' or 'different'"):
            decide_review(session, item_id, "maybe", actor="admin")  # type: ignore[arg-type]
        decide_review(session, item_id, "different", actor="admin")
    with database.session() as session:
        with pytest.raises(IdentityError, match=f"review item {item_id} was already decided"):
            decide_review(session, item_id, "same", actor="admin")
        with pytest.raises(ReviewItemNotFound, match="review item 999 does not exist"):
            decide_review(session, 999, "same", actor="admin")
        with pytest.raises(IdentityError, match="unknown review status"):
            list_review_items(session, status="pending")
