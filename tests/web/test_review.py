"""The review queue: possible duplicates side by side, decided by an admin."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from core.db import Database
from core.identity import IdentityOptions, list_review_items
from core.models import AuditEntry, Customer, NonMatch, ReviewItem
from tests.web.customer_data import KATE, Katherine, ingest, katherine
from tests.web.helpers import csrf_from, make_user, sign_in

ADMIN = "ada@example.com"
# The thresholds identity resolution runs with, as the explanations must show them.
AUTO_LINK = IdentityOptions().auto_link_threshold
REVIEW = IdentityOptions().review_threshold


@pytest.fixture
def admin_client(client: FlaskClient, database: Database) -> FlaskClient:
    make_user(database, ADMIN, "admin")
    sign_in(client, ADMIN)
    return client


@pytest.fixture
def kj(database: Database) -> Katherine:
    return katherine(database)


@pytest.fixture
def item(database: Database, kj: Katherine) -> ReviewItem:
    """Kate Johnson of NASA: close to Katherine, not close enough to link on her own."""
    result = ingest(database, kj.desk_connector, "ticket-10", **KATE)
    assert result.action == "review"
    with database.session() as session:
        return session.scalars(select(ReviewItem)).one()


def decide(client: FlaskClient, item_id: int, decision: str) -> str:
    token = csrf_from(client.get("/review").text)
    response = client.post(f"/review/{item_id}", data={"csrf_token": token, "decision": decision})
    assert response.status_code == 302
    assert response.headers["Location"] == "/review"
    return client.get("/review").text


def test_the_queue_shows_both_customers_and_the_explanation(
    admin_client: FlaskClient, database: Database, kj: Katherine, item: ReviewItem
) -> None:
    page = admin_client.get("/review").text

    card = page.split(f'id="review-{item.id}"', 1)[1].split("</section>", 1)[0]
    existing, duplicate = card.split("Possible duplicate</p>", 1)
    assert "Katherine Johnson" in existing
    assert "katherine.johnson@nasa.gov" in existing
    assert "3 sources" in existing
    assert "Kate Johnson" in duplicate
    assert "ticket-10" in duplicate
    assert item.score is not None
    assert f"Scored {item.score:.1f} bits" in card
    assert f"review threshold of {REVIEW:.1f}" in card
    assert f"auto-link threshold of {AUTO_LINK:.1f}" in card
    assert "<td>Given name</td>" in card
    assert ">nickname<" in card
    assert f"Total {item.score:.1f} bits" in card
    assert 'value="same"' in card
    assert 'value="different"' in card
    assert "1 open" in page


def test_the_navigation_counts_open_items(admin_client: FlaskClient, item: ReviewItem) -> None:
    page = admin_client.get("/customers").text

    link = page.split('<a href="/review"', 1)[1].split("</a>", 1)[0]
    assert '<span class="nav-count"' in link
    assert ">1</span>" in link


def test_no_count_when_nothing_is_open(admin_client: FlaskClient, kj: Katherine) -> None:
    page = admin_client.get("/review").text

    assert "Nothing to review." in page
    assert "nav-count" not in page


def test_same_person_merges_the_two_customers(
    admin_client: FlaskClient, database: Database, kj: Katherine, item: ReviewItem
) -> None:
    after = decide(admin_client, item.id, "same")

    assert f"Merged: the two records are now one customer, #{kj.customer_id}." in after
    assert "Nothing to review." in after
    with database.session() as session:
        decided = session.get(ReviewItem, item.id)
        assert decided is not None
        assert (decided.status, decided.decided_by) == ("same", ADMIN)
        kate = session.scalars(select(Customer).where(Customer.full_name == "Kate Johnson"))
        assert kate.one().merged_into_id == kj.customer_id
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "review.decided"))
        audit = entry.one()
    assert (audit.actor, audit.target) == (ADMIN, f"review {item.id}")
    assert audit.details == {
        "decision": "same",
        "left_customer_id": kj.customer_id,
        "right_customer_id": kj.customer_id,
    }


def test_not_the_same_person_is_remembered(
    admin_client: FlaskClient, database: Database, kj: Katherine, item: ReviewItem
) -> None:
    after = decide(admin_client, item.id, "different")

    assert "Noted: not the same person. This pair will not be proposed again." in after
    with database.session() as session:
        decided = session.get(ReviewItem, item.id)
        assert decided is not None
        assert decided.status == "different"
        assert session.scalars(select(NonMatch)).all()
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "review.decided"))
        assert audit.one().details["decision"] == "different"
    # The same Kate again, with a new detail: still not proposed.
    again = ingest(database, kj.desk_connector, "ticket-10", **KATE, job_title="Engineer")
    assert again.action == "updated"
    with database.session() as session:
        assert list_review_items(session) == []
    assert "Nothing to review." in admin_client.get("/review").text


def test_a_decided_item_cannot_be_decided_again(
    admin_client: FlaskClient, database: Database, item: ReviewItem
) -> None:
    decide(admin_client, item.id, "different")

    after = decide(admin_client, item.id, "same")

    assert f"Review item {item.id} was already decided (different)." in after
    with database.session() as session:
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "review.decided"))
        assert len(audit.all()) == 1


def test_an_unknown_item_or_decision_is_a_message(
    admin_client: FlaskClient, database: Database, item: ReviewItem
) -> None:
    assert "Review item 999 does not exist." in decide(admin_client, 999, "same")
    assert "Choose “Same person” or “Not the same person”." in decide(
        admin_client, item.id, "maybe"
    )
    with database.session() as session:
        still = session.get(ReviewItem, item.id)
        assert still is not None
        assert still.status == "open"


def test_a_rep_cannot_see_or_decide(
    client: FlaskClient, database: Database, item: ReviewItem
) -> None:
    make_user(database, "rita@example.com", "rep")
    sign_in(client, "rita@example.com")
    token = csrf_from(client.get("/customers").text)

    assert client.get("/review").status_code == 403
    response = client.post(f"/review/{item.id}", data={"csrf_token": token, "decision": "same"})
    assert response.status_code == 403
    assert 'href="/review"' not in client.get("/customers").text
    with database.session() as session:
        still = session.get(ReviewItem, item.id)
        assert still is not None
        assert still.status == "open"


def card_ids(page: str) -> list[int]:
    return [int(part.split('"', 1)[0]) for part in page.split('id="review-')[1:]]


def test_the_queue_reads_likeliest_first_and_keeps_its_order_across_pages(
    admin_client: FlaskClient, database: Database, item: ReviewItem
) -> None:
    with database.session() as session:
        for score in (10.5, 19.5, 11.0, 18.0, 12.0, 17.0, 13.0, 16.0, 14.0, 15.0):
            session.add(
                ReviewItem(
                    status="open",
                    reason="probable_match",
                    score=score,
                    source_record_id=item.source_record_id,
                    candidate_record_id=item.candidate_record_id,
                    explanation=item.explanation,
                )
            )
    with database.session() as session:
        scores = {
            row.id: row.score for row in session.execute(select(ReviewItem.id, ReviewItem.score))
        }
    likeliest = sorted(scores, key=lambda i: (-scores[i], -i))

    first = admin_client.get("/review").text
    assert card_ids(first) == likeliest[:10]
    assert '<span class="current" aria-current="true">Most likely first</span>' in first
    assert 'href="/review?page=2&amp;order=likely"' in first
    second = admin_client.get("/review?page=2&order=likely").text
    assert card_ids(second) == likeliest[10:]

    newest = admin_client.get("/review?order=newest").text
    assert card_ids(newest) == sorted(scores, reverse=True)[:10]
    assert 'href="/review?page=2&amp;order=newest"' in newest
    assert admin_client.get("/review?order=best").status_code == 404
