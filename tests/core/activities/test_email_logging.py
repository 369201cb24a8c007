"""Logging mailbox messages: once per message, one activity across mailboxes, a tally."""

from __future__ import annotations

from sqlalchemy import func, select

from core.activities.email import EmailPolicy, block, log_email, save_policy, set_thread_privacy
from core.db import Database
from core.models import (
    Activity,
    ActivityCustomer,
    ActivityRep,
    Connector,
    Customer,
    MailboxMessage,
    User,
)
from tests.core.activities.email_samples import REP, message

POLICY = EmailPolicy(internal_domains=frozenset({"example.com"}), creation="always")


def _mailboxes(database: Database) -> tuple[int, int, int, int]:
    """Two reps, each with a mailbox connector."""
    with database.session() as session:
        rita = User(email=REP, name="Rita", role="rep", password_hash="x")
        sam = User(email="sam@example.com", name="Sam", role="rep", password_hash="x")
        session.add_all([rita, sam])
        session.flush()
        first = Connector(kind="gmail", name=REP, owner_id=rita.id)
        second = Connector(kind="gmail", name="sam@example.com", owner_id=sam.id)
        session.add_all([first, second])
        session.flush()
        save_policy(session, POLICY)
        return first.id, rita.id, second.id, sam.id


def _count(database: Database, model: type) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_message_creates_the_customer_and_one_activity_once(database: Database) -> None:
    mailbox, rita, _other, _sam = _mailboxes(database)
    for _ in range(2):
        with database.session() as session:
            outcome = log_email(session, message(), connector_id=mailbox, owner=REP, user_id=rita)
    assert outcome.seen_before
    assert _count(database, Customer) == 1
    assert _count(database, Activity) == 1
    assert _count(database, MailboxMessage) == 1
    with database.session() as session:
        activity = session.scalars(select(Activity)).one()
        assert activity.type == "email"
        assert activity.direction == "inbound"
        assert activity.subject == "Pricing question"
        assert activity.summary == ""  # bodies are not stored unless the policy says so
        customer = session.scalars(select(Customer)).one()
        assert customer.primary_email == "ann@acme-corp.com"
        assert session.scalar(select(ActivityRep.user_id)) == rita


def test_the_same_message_in_two_mailboxes_is_one_activity_with_both_reps(
    database: Database,
) -> None:
    mailbox, rita, other, sam = _mailboxes(database)
    shared = message(to=(REP, "sam@example.com"))
    with database.session() as session:
        first = log_email(session, shared, connector_id=mailbox, owner=REP, user_id=rita)
    with database.session() as session:
        second = log_email(
            session,
            message("sam-p9", to=(REP, "sam@example.com")),
            connector_id=other,
            owner="sam@example.com",
            user_id=sam,
        )
    assert first.activity_id == second.activity_id
    assert _count(database, Activity) == 1
    assert _count(database, MailboxMessage) == 2
    with database.session() as session:
        reps = session.scalars(select(ActivityRep.user_id)).all()
    assert sorted(reps) == sorted([rita, sam])


def test_skipped_messages_are_accounted_for_with_their_reason(database: Database) -> None:
    mailbox, rita, _other, _sam = _mailboxes(database)
    with database.session() as session:
        internal = message("p2", sender="boss@example.com", message_id="<m2@example.com>")
        newsletter = message(
            "p3", message_id="<m3@news>", headers={"List-Unsubscribe": "<mailto:x@y.com>"}
        )
        for item in (internal, newsletter):
            log_email(session, item, connector_id=mailbox, owner=REP, user_id=rita)
    with database.session() as session:
        reasons = dict(
            session.execute(select(MailboxMessage.provider_id, MailboxMessage.skip_reason)).all()
        )
    assert reasons["p2"] == "internal only"
    assert reasons["p3"].startswith("newsletter")
    assert _count(database, Activity) == 0
    assert _count(database, Customer) == 0


def test_never_creating_links_only_known_customers(database: Database) -> None:
    mailbox, rita, _other, _sam = _mailboxes(database)
    with database.session() as session:
        save_policy(
            session, EmailPolicy(internal_domains=POLICY.internal_domains, creation="never")
        )
    with database.session() as session:
        outcome = log_email(session, message(), connector_id=mailbox, owner=REP, user_id=rita)
    assert outcome.skip_reason == "not a customer: none are made from email"
    assert _count(database, Customer) == 0


def test_blocking_removes_what_was_logged(database: Database) -> None:
    mailbox, rita, _other, _sam = _mailboxes(database)
    with database.session() as session:
        log_email(session, message(), connector_id=mailbox, owner=REP, user_id=rita)
        log_email(
            session,
            message("p5", message_id="<m5@x>", cc=("bob@other-co.com",)),
            connector_id=mailbox,
            owner=REP,
            user_id=rita,
        )
    assert _count(database, Activity) == 2
    with database.session() as session:
        changed = block(session, "acme-corp.com")
    assert changed == 2
    with database.session() as session:
        left = session.scalars(select(Activity)).all()
        assert len(left) == 1  # the one Bob was on stays, without Ann
        assert [p["email"] for p in left[0].participants] == [
            "rita@example.com",
            "bob@other-co.com",
        ]
        assert session.scalar(select(func.count()).select_from(ActivityCustomer)) == 1
        assert (
            session.scalar(
                select(MailboxMessage.skip_reason).where(MailboxMessage.provider_id == "p1")
            )
            == "blocked"
        )
    with database.session() as session:
        later = log_email(
            session,
            message("p6", message_id="<m6@x>"),
            connector_id=mailbox,
            owner=REP,
            user_id=rita,
        )
    assert later.skip_reason == "blocked"


def test_a_private_thread_keeps_metadata_only_or_hides(database: Database) -> None:
    mailbox, rita, _other, _sam = _mailboxes(database)
    with database.session() as session:
        log_email(session, message(), connector_id=mailbox, owner=REP, user_id=rita)
    with database.session() as session:
        assert set_thread_privacy(session, rita, "t1", "metadata") == 1
    with database.session() as session:
        later = log_email(
            session,
            message("p7", message_id="<m7@x>"),
            connector_id=mailbox,
            owner=REP,
            user_id=rita,
        )
        activity = session.get(Activity, later.activity_id)
        assert activity is not None
        assert activity.private == "metadata"
        assert activity.subject == ""
    with database.session() as session:
        set_thread_privacy(session, rita, "t1", "hidden")
    with database.session() as session:
        hidden = log_email(
            session,
            message("p8", message_id="<m8@x>"),
            connector_id=mailbox,
            owner=REP,
            user_id=rita,
        )
    assert hidden.skip_reason == "private thread (hidden)"


def test_a_long_reason_is_kept_to_the_column_s_length(database: Database) -> None:
    mailbox, rita, _other, _sam = _mailboxes(database)
    automated = message("p9", message_id="<m9@x>", headers={"Auto-Submitted": "x" * 200})
    with database.session() as session:
        outcome = log_email(session, automated, connector_id=mailbox, owner=REP, user_id=rita)
    assert len(outcome.skip_reason) > 64
    with database.session() as session:
        stored = session.scalar(select(MailboxMessage.skip_reason))
    assert stored == outcome.skip_reason[:64]
