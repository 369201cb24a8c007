"""Webhooks in Chromium, delivered by a real worker: create an endpoint, test it, replay.

``crmhub worker`` and ``crmhub beat`` run as child processes on the test's database and
broker, sharing the web app's data directory (so its encryption keys). A receiver on
127.0.0.1, admitted by ``CRMHUB_OUTBOUND_ALLOWLIST``, verifies every request with the
``standardwebhooks`` library and the secret the page showed once.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import func, select
from standardwebhooks import Webhook

from core.db import Database
from core.models import DeliveryAttempt, WorkerHeartbeat
from core.settings import load_settings
from tests.e2e.processes import ROOT, Child, crmhub_env
from tests.waiting import wait_until
from tests.web.helpers import PASSWORD, make_user
from tests.webhooks.outbound.receivers import Receiver
from web.app import create_app

pytestmark = pytest.mark.e2e

ADMIN = "ada@example.com"
LOOPBACK = "127.0.0.1/32"
CRMHUB = str(ROOT / ".venv" / "bin" / "crmhub")
SEND_TIMEOUT = 60.0


@pytest.fixture
def environment(tmp_path: Path, database: Database) -> dict[str, str]:
    """What the web app, the worker and beat all read: one deployment."""
    return crmhub_env(
        tmp_path / "data",
        CRMHUB_DATABASE_URL=database.url,
        CRMHUB_BROKER_URL=f"sqla+sqlite:///{tmp_path / 'broker.db'}",
        CRMHUB_OUTBOUND_ALLOWLIST=LOOPBACK,
        CRMHUB_HEARTBEAT_INTERVAL="0.5",
    )


@pytest.fixture
def app(environment: dict[str, str], database: Database) -> Flask:
    return create_app(load_settings(environment), database)  # writes the keys first


@pytest.fixture
def worker(app: Flask, environment: dict[str, str], database: Database) -> Iterator[Child]:
    """A real worker and beat; beat's 2-second sweep hands due deliveries to the worker.

    Beat starts once the worker is up: two processes opening a fresh SQL broker at the
    same instant race to create its tables, and the loser exits.
    """
    children = [Child([CRMHUB, "worker", "-c", "1"], environment)]
    try:
        wait_until(
            lambda: _alive(database), timeout=60, message="the worker never sent a heartbeat"
        )
        children.append(Child([CRMHUB, "beat"], environment))
        yield children[0]
    finally:
        for child in children:
            child.stop()
            print("\n".join(child.output()[-40:]))  # shown when the test fails


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    started = Receiver().start()
    yield started
    started.stop()


@pytest.fixture
def signed_in(base_url: str, database: Database, page: Page) -> Page:
    make_user(database, ADMIN, "admin")
    page.goto(base_url + "/login")
    page.get_by_label("Email").fill(ADMIN)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(base_url + "/")
    return page


def test_create_an_endpoint_send_a_test_event_and_replay_it(
    base_url: str,
    database: Database,
    worker: Child,
    receiver: Receiver,
    signed_in: Page,
    console_errors: list[str],
    tmp_path: Path,
) -> None:
    page = signed_in

    page.get_by_role("link", name="Webhooks").click()
    page.get_by_role("link", name="Add endpoint").click()
    page.get_by_label("Endpoint URL").fill(receiver.url)
    page.get_by_label("Description").fill("Billing system")
    page.get_by_label("customer.created").check()
    page.get_by_role("button", name="Create endpoint").click()

    expect(page.locator("h1")).to_have_text("Signing secret")
    secret = page.locator("#secret").inner_text().strip()
    assert secret.startswith("whsec_")
    assert len(secret) > 40
    receiver.secrets.append(secret)
    page.screenshot(path=str(tmp_path / "webhook-secret.png"), full_page=True)

    page.get_by_role("link", name="Go to the endpoint").click()
    endpoint_url = page.url
    page.get_by_role("button", name="Send test event").click()

    expect(page.locator(".notice-success")).to_contain_text("A test event (msg_")
    wait_until(lambda: receiver.count() == 1, timeout=SEND_TIMEOUT, message="never delivered")
    first = receiver.requests[0]
    assert first.verified_by == (0,)
    Webhook(secret).verify(first.body, first.headers)  # raises unless signed with it
    assert b'"type":"webhook.test"' in first.body
    wait_until(lambda: _attempts(database) == 1, timeout=SEND_TIMEOUT, message="not logged")

    page.reload()
    delivery = page.locator("tbody.delivery")
    expect(delivery).to_have_count(1)
    expect(delivery.locator(".webhook-id")).to_have_text(first.webhook_id)
    expect(delivery.locator(".status-pill")).to_have_text("Delivered")
    expect(delivery.locator("tr.attempt")).to_have_count(1)
    expect(delivery.locator("tr.attempt").first).to_contain_text("200")

    delivery.get_by_role("button", name="Replay").click()

    expect(page).to_have_url(endpoint_url)
    expect(page.locator(".notice-success")).to_contain_text("queued to go out again")
    wait_until(lambda: receiver.count() == 2, timeout=SEND_TIMEOUT, message="never replayed")
    second = receiver.requests[1]
    assert second.webhook_id == first.webhook_id
    assert second.body == first.body
    assert second.verified_by == (0,)
    Webhook(secret).verify(second.body, second.headers)
    wait_until(lambda: _attempts(database) == 2, timeout=SEND_TIMEOUT, message="not logged")

    page.reload()
    expect(delivery.locator("tr.attempt")).to_have_count(2)
    expect(delivery.locator(".status-pill")).to_have_text("Delivered")
    expect(delivery.locator("td.num").first).to_have_text("2")  # both attempts, replay too
    # an administrator's eleven menu links stay inside the bar: nothing wider than the window
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(tmp_path / "webhook-endpoint.png"), full_page=True)

    page.get_by_role("link", name="Webhooks", exact=True).first.click()
    row = page.locator("table.endpoints tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(receiver.url)
    expect(row).to_contain_text("Billing system")
    expect(row).to_contain_text("customer.created")
    expect(row).to_contain_text("Enabled")
    page.screenshot(path=str(tmp_path / "webhook-list.png"), full_page=True)
    assert console_errors == []


def _alive(database: Database) -> bool:
    with database.session() as session:
        return bool(session.scalar(select(func.count(WorkerHeartbeat.hostname))))


def _attempts(database: Database) -> int:
    with database.session() as session:
        return int(session.scalar(select(func.count(DeliveryAttempt.id))) or 0)
