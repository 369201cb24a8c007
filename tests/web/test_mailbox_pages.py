"""Mailbox pages, the live JSON, "Sync now", and a rep's logged emails with privacy."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from connectors.sync import runner as sync_runner
from core.db import Database
from core.models import (
    Activity,
    ActivityCustomer,
    ActivityRep,
    Connector,
    Customer,
    MailboxMessage,
    PrivateThread,
    SyncRun,
    utcnow,
)
from tests.web.helpers import csrf_from, make_user, sign_in
from web.context import hub
from worker.queues import queue_depths

REP, OTHER, ADMIN = "rep@example.com", "other@example.com", "admin@example.com"


def mailbox(database: Database, owner: int, address: str, **fields: object) -> int:
    with database.session() as session:
        row = Connector(kind="gmail", name=address, owner_id=owner,
                        settings={"email": address}, **fields)  # fmt: skip
        session.add(row)
        session.flush()
        return row.id


def tally(database: Database, connector_id: int, logged: int, reasons: dict[str, int]) -> None:
    with database.session() as session:
        skips = [reason for reason, count in reasons.items() for _ in range(count)]
        for n, reason in enumerate([""] * logged + skips):
            session.add(MailboxMessage(connector_id=connector_id, provider_id=f"m{n}",
                                       skip_reason=reason))  # fmt: skip


def run(database: Database, connector_id: int, **fields: object) -> None:
    with database.session() as session:
        session.add(SyncRun(connector_id=connector_id, stream="mail", **fields))


@pytest.fixture
def users(database: Database) -> dict[str, int]:
    return {email: make_user(database, email, role)
            for email, role in ((REP, "rep"), (OTHER, "rep"), (ADMIN, "admin"))}  # fmt: skip


def test_reps_see_their_own_mailboxes_and_admins_see_everyone_s(
    client: FlaskClient, database: Database, users: dict[str, int]
) -> None:
    mine = mailbox(database, users[REP], "rep@example.com")
    theirs = mailbox(database, users[OTHER], "other@example.com", status="paused")
    sign_in(client, REP)
    listing = client.get("/mailboxes").text
    assert "My mailboxes" in listing
    assert f'href="/mailboxes/{mine}"' in listing
    assert "other@example.com" not in listing
    assert client.get(f"/mailboxes/{theirs}").status_code == 404
    assert client.get(f"/ui/mailboxes/{theirs}.json").status_code == 404

    admin = client.application.test_client()
    sign_in(admin, ADMIN)
    listing = admin.get("/mailboxes").text
    assert "<th>Owner</th>" in listing
    assert f'href="/mailboxes/{theirs}"' in listing
    assert "Paused" in listing
    assert admin.get(f"/mailboxes/{theirs}").status_code == 200


def test_the_page_shows_progress_rate_eta_and_what_is_accounted_for(
    client: FlaskClient,
    database: Database,
    users: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    connector = mailbox(database, users[REP], "rep@example.com")
    now = utcnow()
    started = now - timedelta(seconds=100)
    # the clock stands still: on a loaded machine the page came a second late, the rate
    # fell below 4/s and the 150 s left read "about 3 min"
    monkeypatch.setattr(sync_runner, "utcnow", lambda: now)
    run(database, connector, status="running", started_at=started, done=400, total=1000,
        counts={"logged": 300, "skipped": 100, "customers_created": 7})  # fmt: skip
    tally(database, connector, 30, {"internal only": 6, "newsletter (List-Unsubscribe)": 4})
    sign_in(client, REP)

    page = client.get(f"/mailboxes/{connector}").text
    data = client.get(f"/ui/mailboxes/{connector}.json").get_json()

    assert "40 of 1000 messages accounted for" in page
    assert 'data-finished="false"' in page
    assert '<td>internal only</td><td class="num">6</td>' in page
    assert data["accounted_text"] == "40 of 1000 messages accounted for"
    assert data["finished"] is False
    assert data["run"]["status_label"] == "Syncing"
    assert (data["run"]["done"], data["run"]["total"], data["run"]["percent"]) == (400, 1000, 40)
    assert data["run"]["rate"] == "4.0 messages/s"
    assert data["run"]["eta"] == "about 2 min"  # 600 left at 4 per second
    assert data["run"]["counts"] == {"logged": 300, "skipped": 100, "customers_created": 7}


def test_an_unknown_total_is_said_plainly(
    client: FlaskClient, database: Database, users: dict[str, int]
) -> None:
    connector = mailbox(database, users[REP], "rep@example.com")
    run(database, connector, status="succeeded", started_at=utcnow(), finished_at=utcnow())
    tally(database, connector, 3, {})
    sign_in(client, REP)
    page = client.get(f"/mailboxes/{connector}").text
    assert "3 messages accounted for; the mailbox&#39;s total is not known yet" in page
    assert 'data-finished="true"' in page


def test_a_mailbox_that_needs_a_reconnect_says_why_and_offers_it(
    client: FlaskClient, database: Database, users: dict[str, int]
) -> None:
    connector = mailbox(database, users[REP], "rep@example.com", status="needs_reconnect",
                        last_error="Google refused the grant: invalid_grant")  # fmt: skip
    sign_in(client, REP)
    page = client.get(f"/mailboxes/{connector}").text
    assert "Needs reconnect" in page
    assert "Google refused the grant: invalid_grant" in page
    assert 'href="/oauth/google/start">Reconnect</a>' in page
    assert "Sync now" not in page
    token = csrf_from(client.get("/mailboxes").text)
    response = client.post(f"/mailboxes/{connector}/sync", data={"csrf_token": token})
    assert "needs to be reconnected" in client.get(response.headers["Location"]).text


def test_sync_now_needs_csrf_queues_one_task_and_refuses_a_second(
    app: Flask, client: FlaskClient, database: Database, users: dict[str, int]
) -> None:
    connector = mailbox(database, users[REP], "rep@example.com")
    sign_in(client, REP)
    page = client.get(f"/mailboxes/{connector}").text
    assert client.post(f"/mailboxes/{connector}/sync").status_code == 400

    first = client.post(f"/mailboxes/{connector}/sync", data={"csrf_token": csrf_from(page)})
    second = client.post(f"/mailboxes/{connector}/sync", data={"csrf_token": csrf_from(page)})

    assert first.status_code == second.status_code == 302
    shown = client.get(f"/mailboxes/{connector}").text
    assert "A sync of the mailbox has been queued." in shown
    assert "already queued or running" in shown
    with database.session() as session:
        runs = session.scalars(select(SyncRun.status).where(SyncRun.connector_id == connector))
        assert list(runs) == ["queued"]
    with app.app_context():
        assert queue_depths(hub().settings.broker_url)["sync"] == 1


def test_the_page_script_is_served_from_the_app(client: FlaskClient, users: dict[str, int]) -> None:
    sign_in(client, REP)
    response = client.get("/ui/mailboxes.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert "window.crmhubPoll(" in response.text


def _email(database: Database, rep: int, n: int, *, thread: str, **fields: object) -> int:
    with database.session() as session:
        activity = Activity(external_id=f"<{n}@mail>", type="email", direction="inbound",
                            occurred_at=utcnow() - timedelta(hours=n), subject=f"Subject {n}",
                            thread_id=thread, **fields)  # fmt: skip
        session.add(activity)
        session.flush()
        session.add(ActivityRep(activity_id=activity.id, user_id=rep))
        return activity.id


def test_my_emails_lists_mine_newest_first_with_customers_and_pages(
    client: FlaskClient, database: Database, users: dict[str, int]
) -> None:
    ids = [_email(database, users[REP], n, thread=f"t{n}") for n in range(27)]
    _email(database, users[OTHER], 99, thread="elsewhere")
    _email(database, users[REP], 50, thread="secret", private="metadata")
    with database.session() as session:
        customer = Customer(full_name="Jane Roe")
        session.add(customer)
        session.flush()
        session.add(ActivityCustomer(activity_id=ids[0], customer_id=customer.id))
        customer_id = customer.id
    sign_in(client, REP)

    first = client.get("/my-emails").text

    assert first.index("Subject 0") < first.index("Subject 1") < first.index("Subject 2")
    assert f'<a href="/customers/{customer_id}">Jane Roe</a>' in first
    assert "Subject 99" not in first
    assert "Page 1 of 2 · 28 emails" in first
    second = client.get("/my-emails?page=2").text
    assert "(private)" in second
    assert "Subject 50" not in second
    assert client.get("/my-emails?page=3").status_code == 404


def test_the_privacy_toggle_changes_the_whole_thread_for_me_only(
    client: FlaskClient, database: Database, users: dict[str, int]
) -> None:
    mine = [_email(database, users[REP], n, thread="deal") for n in (1, 2)]
    theirs = _email(database, users[OTHER], 3, thread="deal")
    sign_in(client, REP)
    token = csrf_from(client.get("/my-emails").text)
    form = {"thread_id": "deal", "level": "metadata", "csrf_token": token}

    assert client.post("/my-emails/privacy", data={**form, "csrf_token": ""}).status_code == 400
    assert client.post("/my-emails/privacy", data={**form, "level": "loud"}).status_code == 400
    response = client.post("/my-emails/privacy", data=form)

    assert response.status_code == 302
    page = client.get("/my-emails").text
    assert "only who and when is kept" in page
    assert "(2 logged emails changed.)" in page
    assert "Subject 1" not in page
    with database.session() as session:
        private = {a: session.get(Activity, a).private for a in [*mine, theirs]}  # type: ignore[union-attr]
        assert session.get(PrivateThread, (users[REP], "deal")) is not None
    assert private == {mine[0]: "metadata", mine[1]: "metadata", theirs: ""}

    client.post("/my-emails/privacy", data={**form, "level": ""})
    assert "Subject 1" in client.get("/my-emails").text


def test_a_reconciliation_is_what_the_tally_is_checked_against(
    client: FlaskClient, database: Database, users: dict[str, int]
) -> None:
    connector = mailbox(database, users[REP], "rep@example.com")
    run(database, connector, status="succeeded", started_at=utcnow(), finished_at=utcnow())
    tally(database, connector, 3, {})
    with database.session() as session:
        session.add(
            SyncRun(connector_id=connector, stream="reconcile", status="succeeded",
                    started_at=utcnow(), finished_at=utcnow(), done=3, total=3,
                    counts={"missing": 1, "repaired": 1})
        )  # fmt: skip
    sign_in(client, REP)
    page = client.get(f"/mailboxes/{connector}").text
    assert "3 of 3 messages accounted for (checked with the provider; 1 gaps repaired)" in page
