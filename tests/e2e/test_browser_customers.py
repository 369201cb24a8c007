"""Customers, review and imports in Chromium: read a customer's lineage, merge, import."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from core.db import Database
from core.settings import load_settings
from tests.web.customer_data import KATE, Katherine, connector, ingest, katherine
from tests.web.helpers import PASSWORD, make_user
from web.app import create_app
from worker import runtime
from worker.tasks.imports import import_upload

pytestmark = pytest.mark.e2e

ADMIN = "ada@example.com"
UPDATE_TIMEOUT_MS = 10_000
PEOPLE = b"given_name,family_name,emails\nAnn,Lee,ann@example.com\nBob,Smith\n"


@pytest.fixture
def app(tmp_path: Path, database: Database) -> Iterator[Flask]:
    settings = load_settings(
        {
            "CRMHUB_DATA_DIR": str(tmp_path / "data"),
            "CRMHUB_DATABASE_URL": database.url,
            "CRMHUB_BROKER_URL": f"sqla+sqlite:///{tmp_path / 'broker.db'}",
        }
    )
    app = create_app(settings, database)
    app.config["IMPORT_POLL_SECONDS"] = 0.2
    yield app
    with contextlib.suppress(RuntimeError):  # bound by an upload, for the task run here
        runtime.current().database.dispose()


@pytest.fixture
def signed_in(base_url: str, database: Database, page: Page) -> Page:
    make_user(database, ADMIN, "admin")
    page.goto(base_url + "/login")
    page.get_by_label("Email").fill(ADMIN)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(base_url + "/")
    return page


def test_read_a_customer_and_merge_a_duplicate(
    base_url: str,
    database: Database,
    signed_in: Page,
    console_errors: list[str],
    tmp_path: Path,
) -> None:
    page = signed_in
    kj: Katherine = katherine(database)
    kate = ingest(database, kj.desk_connector, "ticket-10", **KATE).customer_id

    page.get_by_role("link", name="Customers").click()
    page.get_by_label("Search customers").fill("johnson")
    page.get_by_role("button", name="Search").click()
    rows = page.locator(".customers-table tbody tr")
    expect(rows).to_have_count(2)
    page.screenshot(path=str(tmp_path / "customers.png"), full_page=True)

    expect(page.locator(".nav-count")).to_have_text("1")
    page.get_by_role("link", name="Review").click()
    expect(page.locator(".review-card")).to_contain_text("Kate Johnson")
    expect(page.locator(".review-card .weights")).to_contain_text("Given name")
    page.screenshot(path=str(tmp_path / "review.png"), full_page=True)

    page.goto(f"{base_url}/customers/{kj.customer_id}")
    sources = page.locator("#sources")
    expect(sources.locator(".record")).to_have_count(3)
    expect(sources).to_contain_text("Support desk")
    expect(sources).to_contain_text("ticket-9")
    scored = page.locator(f"#record-{kj.desk_id}")
    expect(scored).to_contain_text("Linked by score:")
    expect(scored.locator(".weights tbody tr")).to_have_count(6)
    expect(scored.locator(".score")).to_contain_text("bits")
    expect(page.locator(f"#record-{kj.phone_record_id}")).to_contain_text("phone +17575550100")
    expect(page.locator("#golden")).to_contain_text("Mathematician")
    page.screenshot(path=str(tmp_path / "customer.png"), full_page=True)

    page.get_by_label("Find a customer to merge").fill("Kate")
    page.get_by_role("button", name="Find").click()
    page.get_by_role("button", name=f"Merge #{kate} into this customer").click()

    expect(page).to_have_url(f"{base_url}/customers/{kj.customer_id}")
    expect(page.locator(".notice-success")).to_have_text(
        f"Customer #{kate} was merged into this customer."
    )
    expect(sources.locator(".record")).to_have_count(4)
    expect(sources).to_contain_text("ticket-10")
    expect(page.locator("#merges")).to_contain_text(f"Customer #{kate} merged into this one")
    expect(page.locator(".nav-count")).to_have_count(0)
    merged = tmp_path / "merged.png"
    page.screenshot(path=str(merged), full_page=True)
    assert merged.stat().st_size > 20_000

    page.goto(f"{base_url}/customers/{kate}")
    expect(page).to_have_url(f"{base_url}/customers/{kj.customer_id}")
    expect(page.locator(".notice-info")).to_contain_text(f"Customer #{kate} was merged")
    assert console_errors == []


def test_a_record_that_bridges_two_customers_shows_the_merge_and_undoes_it(
    base_url: str,
    database: Database,
    signed_in: Page,
    console_errors: list[str],
    tmp_path: Path,
) -> None:
    page = signed_in
    mail, desk = (
        connector(database, "gmail", "Ann's mailbox"),
        connector(database, "zendesk", "Desk"),
    )
    by_email = ingest(database, mail, "msg-1", full_name="Ann Lee", emails=["ann@acme.com"])
    by_phone = ingest(database, desk, "ticket-1", full_name="Ann Lee", phones=["+14155550111"])
    both = ingest(
        database,
        desk,
        "ticket-2",
        full_name="Ann Lee",
        emails=["ann@acme.com"],
        phones=["+14155550111"],
    )
    assert both.customer_id == by_email.customer_id != by_phone.customer_id

    page.goto(f"{base_url}/customers/{by_email.customer_id}")
    expect(page.locator("#sources .record")).to_have_count(3)
    bridge = page.locator(f"#record-{both.source_record_id}")
    expect(bridge).to_contain_text("same email address")
    expect(bridge).to_contain_text(
        f"Customer #{by_phone.customer_id} had phone +14155550111; every record of both "
        "names the same person, so it was merged into this customer"
    )
    history = page.locator("#merges")
    expect(history).to_contain_text(f"Customer #{by_phone.customer_id} merged into this one")
    expect(history).to_contain_text(
        f"identity resolution · bridge: source record {both.source_record_id} "
        "shares phone:+14155550111"
    )
    shot = tmp_path / "bridge.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 20_000

    history.get_by_role("button", name="Undo merge").click()
    expect(page.locator(".notice-success")).to_contain_text(f"#{by_phone.customer_id}")
    expect(page.locator("#sources .record")).to_have_count(2)
    expect(history).to_contain_text("Undone")
    assert console_errors == []


def test_a_record_linked_by_phone_puts_a_colleague_record_of_its_name_up_for_review(
    base_url: str,
    database: Database,
    signed_in: Page,
    console_errors: list[str],
    tmp_path: Path,
) -> None:
    page = signed_in
    crm, phone = (
        connector(database, "csvimport", "CRM list"),
        connector(database, "aircall", "Calls"),
    )
    at_acme = ingest(
        database,
        crm,
        "crm-1",
        full_name="Katherine Johnson",
        emails=["kjohnson@acme.com"],
        company_name="Acme",
        address={"postal_code": "94105", "city": "San Francisco", "country": "US"},
    )
    namesake = {"full_name": "Katherine Johnson", "address": {"city": "San Francisco"}}
    ingest(database, crm, "crm-2", **namesake)
    mobile = ingest(database, phone, "call-1", full_name="Kathy Johnson", phones=["+14155550100"])
    assert mobile.action == "created"  # too little in common to ask about
    call = ingest(
        database,
        phone,
        "call-2",
        full_name="Katherine Johnson",
        phones=["(415) 555-0100"],
        company_name="ACME Inc.",
        address={"postal_code": "94105", "country": "US"},
    )
    assert call.customer_id == mobile.customer_id != at_acme.customer_id

    page.get_by_role("link", name="Review").click()
    card = page.locator(".review-card", has_text="linked elsewhere")
    expect(card).to_have_count(1)
    expect(card.locator(".rule-badge")).to_have_text("Similar details")
    expect(card).to_contain_text("The record was linked elsewhere by phone +14155550100.")
    expect(card.locator(".weights")).to_contain_text("Company")
    shot = tmp_path / "review-linked.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 20_000

    card.get_by_role("button", name="Same person", exact=True).click()
    expect(card).to_have_count(0)
    page.goto(f"{base_url}/customers/{at_acme.customer_id}")
    expect(page.locator("#sources .record")).to_have_count(3)
    assert console_errors == []


def test_upload_a_file_and_watch_it_import(
    base_url: str, signed_in: Page, console_errors: list[str], tmp_path: Path
) -> None:
    page = signed_in

    page.get_by_role("link", name="Imports").click()
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "people.csv", "mimeType": "text/csv", "buffer": PEOPLE}]
    )
    page.get_by_role("button", name="Upload and import").click()

    expect(page.locator("#run-status")).to_have_text("Queued")
    run_id = int(page.url.rsplit("/", 1)[1])
    import_upload.run(run_id)  # the worker's part, done here while the page polls

    expect(page.locator("#run-status")).to_have_text("Finished", timeout=UPDATE_TIMEOUT_MS)
    expect(page.locator('[data-count="created"]')).to_have_text("1")
    expect(page.locator("#bad-rows")).to_contain_text("2 values but the header has 3 columns")
    expect(page.locator("#bad-rows td.line")).to_have_text("3")
    page.screenshot(path=str(tmp_path / "import.png"), full_page=True)
    assert console_errors == []
