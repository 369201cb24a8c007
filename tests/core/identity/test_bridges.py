"""A record whose keys name two customers of one person merges them; a conflict is reviewed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.db import Database
from core.identity import (
    IdentityOptions,
    ingest_batch,
    merge_customers,
    rebuild,
    unmerge_customer,
)
from core.identity.bridges import Bridge, merge_bridges
from core.models import Customer, CustomerMerge, SourceRecord
from tests.core.identity.support import active_customers, event_types, ingest, open_items

ACME = "ann@acme.com"
MOBILE = "+14155550111"


def _two_customers_of_ann(database: Database, sources: list[int], **extra: Any) -> tuple[int, int]:
    """Ann by her work address in one tool, by her mobile in another: two customers."""
    by_email = ingest(database, sources[0], "c1", full_name="Ann Lee", emails=[ACME])
    by_phone = ingest(database, sources[1], "z1", full_name="Ann Lee", phones=[MOBILE], **extra)
    assert by_email.customer_id != by_phone.customer_id
    return by_email.customer_id, by_phone.customer_id


def test_a_record_with_both_keys_merges_the_two_customers(
    database: Database, sources: list[int]
) -> None:
    email_side, phone_side = _two_customers_of_ann(database, sources)
    both = ingest(database, sources[2], "f1", full_name="Ann Lee", emails=[ACME], phones=[MOBILE])
    assert (both.action, both.customer_id) == ("linked", email_side)
    assert both.explanation["rule"] == "email"
    assert both.explanation["merged"] == [{"customer_id": phone_side, "keys": [f"phone:{MOBILE}"]}]
    assert "conflicts" not in both.explanation
    assert open_items(database) == []
    assert active_customers(database) == 1
    with database.session() as session:
        assert session.get(Customer, phone_side).merged_into_id == email_side
        [merge] = session.scalars(select(CustomerMerge)).all()
        assert (merge.winner_id, merge.loser_id, merge.actor) == (
            email_side,
            phone_side,
            "identity resolution",
        )
        assert merge.reason == (
            f"bridge: source record {both.source_record_id} shares phone:{MOBILE}"
        )
        stored = session.get(SourceRecord, both.source_record_id)
        assert stored.link_explanation["merged"][0]["customer_id"] == phone_side
    assert event_types(database, email_side)[-1] == "customer.merged"


def test_an_undone_bridge_is_not_merged_again(database: Database, sources: list[int]) -> None:
    _two_customers_of_ann(database, sources)
    first = ingest(database, sources[2], "f1", full_name="Ann Lee", emails=[ACME], phones=[MOBILE])
    [loser] = [m["customer_id"] for m in first.explanation["merged"]]
    with database.session() as session:
        unmerge_customer(session, loser, actor="admin@example.com")
    again = ingest(database, sources[2], "f2", full_name="Ann Lee", emails=[ACME], phones=[MOBILE])
    assert "merged" not in again.explanation
    assert again.explanation["conflicts"] == [[f"phone:{MOBILE}"]]
    assert active_customers(database) == 2
    assert open_items(database) == []  # people said "different": not asked again


def test_different_birth_dates_are_two_people(database: Database, sources: list[int]) -> None:
    ingest(database, sources[0], "c1", full_name="Ann Lee", emails=[ACME], birth_date="1980-02-01")
    ingest(
        database, sources[1], "z1", full_name="Ann Lee", phones=[MOBILE], birth_date="1992-07-15"
    )
    both = ingest(database, sources[2], "f1", full_name="Ann Lee", emails=[ACME], phones=[MOBILE])
    assert both.action == "review"
    assert "merged" not in both.explanation
    assert active_customers(database) == 2
    with database.session() as session:
        assert session.scalars(select(CustomerMerge)).all() == []


def test_another_name_on_either_customer_keeps_them_apart(
    database: Database, sources: list[int]
) -> None:
    _, phone_side = _two_customers_of_ann(database, sources)
    bea = ingest(database, sources[1], "z2", full_name="Bea Lee", emails=["bea@x.io"])
    with database.session() as session:  # someone merged Bea into the phone's customer
        merge_customers(session, phone_side, bea.customer_id, actor="admin@example.com")
    both = ingest(database, sources[2], "f1", full_name="Ann Lee", emails=[ACME], phones=[MOBILE])
    assert both.action == "review"
    assert "merged" not in both.explanation
    assert active_customers(database) == 2


def test_bridges_can_be_turned_off(database: Database, sources: list[int]) -> None:
    _two_customers_of_ann(database, sources)
    options = IdentityOptions(merge_bridges=False)
    both = ingest(
        database, sources[2], "f1", options, full_name="Ann Lee", emails=[ACME], phones=[MOBILE]
    )
    assert both.action == "review"
    assert both.explanation["conflicts"] == [[f"phone:{MOBILE}"]]
    assert active_customers(database) == 2


def test_bridges_within_one_batch_follow_each_other(database: Database, sources: list[int]) -> None:
    """Three customers of Ann made and joined in one chunk; results name the survivor."""
    personal = "ann.lee@gmail.com"
    rows = [
        ("r1", {"full_name": "Ann Lee", "emails": [ACME]}),
        ("r2", {"full_name": "Ann Lee", "phones": [MOBILE]}),
        ("r3", {"full_name": "Ann Lee", "emails": [personal]}),
        ("r4", {"full_name": "Ann Lee", "emails": [ACME], "phones": [MOBILE]}),
        ("r5", {"full_name": "Ann Lee", "phones": [MOBILE], "emails": [personal]}),
        ("r6", {"full_name": "Ann Lee", "emails": [ACME], "job_title": "CTO"}),
    ]
    results = ingest_batch(database, sources[0], [(ext, m, m) for ext, m in rows])
    assert [r.action for r in results][3:] == ["linked", "linked", "linked"]
    with database.session() as session:
        owners = set(session.scalars(select(SourceRecord.customer_id)))
        merges = session.scalars(select(CustomerMerge).order_by(CustomerMerge.id)).all()
        made = session.scalars(select(Customer.id)).all()
    assert len(made) == 3
    assert active_customers(database) == 1
    assert owners == {r.customer_id for r in results} == {merges[-1].winner_id}
    assert len(merges) == 2
    assert merges[1].loser_id == merges[0].winner_id
    assert open_items(database) == []


def test_a_rebuild_keeps_a_bridge_as_it_keeps_other_merges(
    database: Database, sources: list[int]
) -> None:
    email_side, _ = _two_customers_of_ann(database, sources)
    ingest(database, sources[2], "f1", full_name="Ann Lee", emails=[ACME], phones=[MOBILE])
    stats = rebuild(database)
    assert stats.merges_reapplied == 1
    assert active_customers(database) == 1
    assert open_items(database) == []  # the rebuild's own question was answered by the merge
    assert stats.reviews == 0
    with database.session() as session:
        assert set(session.scalars(select(SourceRecord.customer_id))) == {email_side}


def test_a_bridge_whose_customers_were_merged_meanwhile_is_not_redone(
    database: Database, sources: list[int]
) -> None:
    email_side, phone_side = _two_customers_of_ann(database, sources)
    with database.session() as session:
        merge_customers(session, email_side, phone_side, actor="admin@example.com")
    with database.session() as session:  # what a plan made before that merge would do
        merge_bridges(session, [Bridge(1, phone_side, email_side, (f"phone:{MOBILE}",))])
        merges = session.scalars(select(CustomerMerge)).all()
    assert [(m.winner_id, m.loser_id, m.actor) for m in merges] == [
        (email_side, phone_side, "admin@example.com")
    ]
    assert active_customers(database) == 1
