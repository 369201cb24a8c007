"""Connect Gmail in Chromium: the OAuth redirect through the emulator and back, then a
real ``crmhub worker`` syncs the mailbox while the page shows the progress, and the
rep's logged emails are listed.

The app must know its own URL for the OAuth callback, so the server is started first
(on a free port, answering through a holder) and the app is built with that URL.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from wsgiref.types import WSGIApplication

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from connectors.gmail.emulator import GmailEmulator
from connectors.mailboxes import Spec, generate
from core.activities.email import EmailPolicy, save_policy
from core.db import Database
from core.models import WorkerHeartbeat
from core.settings import load_settings
from tests.e2e.processes import ROOT, Child, crmhub_env
from tests.waiting import wait_until
from tests.web.helpers import PASSWORD, make_user
from tests.worker.mail_fixtures import google_env
from web.app import create_app

pytestmark = pytest.mark.e2e

SPEC = Spec(seed=5, reps=1, messages_per_mailbox=150, companies=10, contacts=30, days=30)
CRMHUB = str(ROOT / ".venv" / "bin" / "crmhub")
SYNC_TIMEOUT_MS = 45_000


@pytest.fixture
def emulator() -> Iterator[GmailEmulator]:
    with GmailEmulator(generate(SPEC)) as running:
        yield running


@pytest.fixture
def environment(tmp_path: Path, database: Database, emulator: GmailEmulator) -> dict[str, str]:
    return crmhub_env(
        tmp_path / "data",
        CRMHUB_DATABASE_URL=database.url,
        CRMHUB_BROKER_URL=f"sqla+sqlite:///{tmp_path / 'broker.db'}",
        CRMHUB_HEARTBEAT_INTERVAL="0.5",
        **google_env(emulator),
    )


@pytest.fixture
def base_url(
    serve_wsgi: Callable[[WSGIApplication], str],
    environment: dict[str, str],
    database: Database,
) -> str:
    holder: list[Flask] = []

    def dispatch(environ: dict[str, Any], start_response: Any) -> Any:
        return holder[0](environ, start_response)

    url = serve_wsgi(dispatch)  # type: ignore[arg-type]
    environment["CRMHUB_BASE_URL"] = url
    holder.append(create_app(load_settings(environment), database))  # writes the keys first
    return url


@pytest.fixture
def worker(base_url: str, environment: dict[str, str], database: Database) -> Iterator[Child]:
    child = Child([CRMHUB, "worker", "-c", "1", "-Q", "sync,default"], environment)
    try:
        wait_until(lambda: _alive(database), timeout=60, message="no worker heartbeat")
        yield child
    finally:
        child.stop()
        print("\n".join(child.output()[-40:]))  # shown when the test fails


def test_a_rep_connects_gmail_watches_the_sync_and_sees_the_logged_emails(
    base_url: str,
    database: Database,
    emulator: GmailEmulator,
    worker: Child,
    page: Page,
    console_errors: list[str],
    tmp_path: Path,
) -> None:
    rep = next(iter(emulator.mailboxes))
    messages = len(emulator.organization.truth()[rep].keys)
    make_user(database, rep, "rep")
    with database.session() as session:
        save_policy(session, EmailPolicy(internal_domains=frozenset(SPEC.internal_domains)))

    page.goto(base_url + "/login")
    page.get_by_label("Email").fill(rep)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Mailboxes").click()
    expect(page.locator("table.mailboxes")).to_contain_text("No mailbox is connected yet.")
    page.get_by_role("link", name="Connect Gmail").first.click()

    expect(page).to_have_url(re.compile(re.escape(base_url) + r"/mailboxes/\d+$"))
    expect(page.locator(".notice-success")).to_contain_text(f"{rep} is connected.")
    expect(page.locator("#mailbox-accounted")).to_have_text(
        f"{messages} of {messages} messages accounted for", timeout=SYNC_TIMEOUT_MS
    )
    expect(page.locator("#run-status")).to_have_text("Finished", timeout=SYNC_TIMEOUT_MS)
    expect(page.locator("#mailbox-state")).to_have_text("Active")
    expect(page.locator("#run-done")).to_have_text(str(messages))
    logged = int(page.locator('[data-count="logged"]').inner_text())
    assert 0 < logged < messages  # internal and automated mail was left out
    expect(page.locator("#skip-reasons tbody")).to_contain_text("newsletter")
    page.screenshot(path=str(tmp_path / "gmail-mailbox.png"), full_page=True)

    page.get_by_role("link", name="My emails").click()
    rows = page.locator("tr.email-row")
    expect(rows).to_have_count(min(logged, 25))
    expect(rows.first.locator("a").first).to_have_attribute("href", re.compile(r"^/customers/\d+$"))
    page.screenshot(path=str(tmp_path / "gmail-emails.png"), full_page=True)

    first_subject = rows.first.locator(".email-subject").inner_text()
    rows.first.get_by_role("combobox").select_option("metadata")
    rows.first.get_by_role("button", name="Apply").click()
    expect(page.locator(".notice-success")).to_contain_text("The conversation is private")
    expect(rows.first.locator(".email-subject")).to_have_text("(private)")
    assert first_subject != "(private)"
    assert console_errors == []


def _alive(database: Database) -> bool:
    with database.session() as session:
        return bool(session.scalar(select(func.count(WorkerHeartbeat.hostname))))
