"""Sign in through the real form in Chromium and watch the dashboard update itself."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from core.accounts import create_user, issue_setup_token
from core.db import Database
from core.models import WorkerHeartbeat, utcnow
from core.settings import load_settings
from web.app import create_app

pytestmark = pytest.mark.e2e

PASSWORD = "a long enough password"
UPDATE_TIMEOUT_MS = 10_000


@pytest.fixture
def app(tmp_path: Path, database: Database) -> Flask:
    settings = load_settings(
        {
            "CRMHUB_DATA_DIR": str(tmp_path / "data"),
            "CRMHUB_DATABASE_URL": database.url,
            "CRMHUB_BROKER_URL": f"sqla+sqlite:///{tmp_path / 'broker.db'}",
        }
    )
    app = create_app(settings, database)
    app.config["HEALTH_POLL_SECONDS"] = 0.5
    return app


def test_sign_in_and_watch_the_dashboard(
    base_url: str, database: Database, page: Page, console_errors: list[str], tmp_path: Path
) -> None:
    with database.session() as session:
        create_user(session, "ada@example.com", "admin", password=PASSWORD, name="Ada Admin")

    page.goto(base_url + "/")
    expect(page).to_have_url(base_url + "/login?next=/")
    page.screenshot(path=str(tmp_path / "login.png"), full_page=True)
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(base_url + "/")
    health = page.locator("#health")
    expect(health).to_contain_text("System health")
    expect(page.locator("#database-badge")).to_have_text("OK")
    expect(page.locator("#database-detail")).to_have_text(database.dialect)
    expect(page.locator('[data-queue="sync"]')).to_have_text("0")
    expect(page.locator("#workers-body")).to_contain_text("No worker has reported yet.")
    expect(page.locator(".account")).to_contain_text("Ada Admin")

    with database.session() as session:
        session.add(WorkerHeartbeat(hostname="worker-live", pid=31337, last_seen=utcnow()))

    expect(page.locator("#workers-body")).to_contain_text("worker-live", timeout=UPDATE_TIMEOUT_MS)
    expect(page.locator("#workers-alive")).to_have_text("1")
    expect(page.locator("#overall-status")).to_have_text("All systems normal")
    screenshot = tmp_path / "dashboard.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 10_000
    assert console_errors == []

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(base_url + "/login")
    expect(page.locator("body")).to_contain_text("You are signed out.")


def test_first_admin_through_the_setup_link(
    base_url: str, database: Database, page: Page, console_errors: list[str], tmp_path: Path
) -> None:
    with database.session() as session:
        token = issue_setup_token(session)

    page.goto(f"{base_url}/login")
    expect(page.locator("body")).to_contain_text("setup link")
    page.goto(f"{base_url}/setup/{token}")
    page.screenshot(path=str(tmp_path / "setup.png"), full_page=True)
    page.get_by_label("Name").fill("Ada Admin")
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Create account and sign in").click()

    expect(page).to_have_url(base_url + "/")
    expect(page.locator("body")).to_contain_text("Your administrator account is ready.")
    page.goto(f"{base_url}/users")
    expect(page.locator("table")).to_contain_text("ada@example.com")
    page.screenshot(path=str(tmp_path / "users.png"), full_page=True)
    assert console_errors == []

    used = page.goto(f"{base_url}/setup/{token}")
    assert used is not None
    assert used.status == 404
    expect(page.locator("h1")).to_have_text("This link is no longer valid")
