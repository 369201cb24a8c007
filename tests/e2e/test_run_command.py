"""The README's run command from a clean data dir, as a newcomer experiences it.

`make run` prints the URL and a one-time setup link; the browser opens the link, creates
the first admin, and the dashboard shows a live worker. Ctrl-C stops every process.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.processes import ROOT, Child, crmhub_env, group_alive, processes_with_env
from tests.servers import free_port
from tests.waiting import wait_until
from web.cli.supervisor import port_in_use

pytestmark = pytest.mark.e2e


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Child]:
    port = free_port()
    env = crmhub_env(tmp_path / "var", CRMHUB_PORT=str(port), CRMHUB_HEARTBEAT_INTERVAL="1")
    child = Child(["make", "--no-print-directory", "run"], env=env, cwd=ROOT)
    yield child
    child.stop()


def test_make_run_serves_setup_and_a_live_dashboard(hub: Child, page: Page, tmp_path: Path) -> None:
    url = hub.expect(r"crmhub is running at (http://127\.0\.0\.1:\d+)").group(1)
    setup_link = hub.expect(r"open (http://\S+/setup/\S+) to choose").group(1)
    assert setup_link.startswith(url)
    for name in ("secret_key", "encryption_keys"):
        assert oct((tmp_path / "var" / name).stat().st_mode & 0o777) == "0o600"

    page.goto(url)
    expect(page).to_have_url(f"{url}/login?next=/")
    expect(page.locator("body")).to_contain_text("setup link")

    page.goto(setup_link)
    page.fill("input[name=name]", "Ada Admin")
    page.fill("input[name=email]", "ada@example.com")
    page.fill("input[name=password]", "a long admin passphrase")
    page.fill("input[name=confirm]", "a long admin passphrase")
    page.click("button[type=submit]")
    expect(page.locator("#health-title")).to_have_text("System health")
    expect(page.locator("#workers-alive")).to_have_text("1", timeout=60_000)
    expect(page.locator("#workers-body")).to_contain_text("alive")
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)

    page.goto(setup_link)  # the link works once
    expect(page.locator("body")).to_contain_text("no longer valid")

    # make re-raises the SIGINT it received once its child is done; crmhub itself exits 0
    assert hub.interrupt() in (0, -signal.SIGINT)
    assert "crmhub stopped" in hub.output()
    wait_until(
        lambda: not group_alive(hub.process.pid),
        timeout=30,
        message="a crmhub process survived Ctrl-C",
    )


def test_run_refuses_a_bad_setting_with_one_line(tmp_path: Path) -> None:
    env = crmhub_env(tmp_path / "var", CRMHUB_PORT="not-a-port")
    child = Child([str(ROOT / ".venv" / "bin" / "crmhub"), "run"], env=env)
    assert child.wait() == 2
    output = child.output()
    assert output == [
        "Error: invalid setting CRMHUB_PORT: expected a whole number, got 'not-a-port'"
    ]


def test_run_reports_an_unreachable_database_in_one_line(tmp_path: Path) -> None:
    env = crmhub_env(
        tmp_path / "var", CRMHUB_DATABASE_URL=f"postgresql://nobody@127.0.0.1:{free_port()}/x"
    )
    child = Child([str(ROOT / ".venv" / "bin" / "crmhub"), "run"], env=env)
    assert child.wait() == 1
    output = child.output()
    assert len(output) == 1
    assert output[0].startswith("Error: cannot reach the database at postgresql")
    assert "Traceback" not in output[0]


def test_run_reports_an_unreachable_broker_in_one_line(tmp_path: Path) -> None:
    env = crmhub_env(tmp_path / "var", CRMHUB_BROKER_URL=f"redis://127.0.0.1:{free_port()}/0")
    child = Child([str(ROOT / ".venv" / "bin" / "crmhub"), "run"], env=env)
    assert child.wait() == 1
    output = child.output()
    assert len(output) == 1
    assert output[0].startswith("Error: cannot reach the broker at redis://127.0.0.1")


def test_children_stop_when_the_supervisor_is_killed(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    port = free_port()
    env = crmhub_env(data_dir, CRMHUB_PORT=str(port))
    child = Child([str(ROOT / ".venv" / "bin" / "crmhub"), "run"], env=env)
    try:
        child.expect(r"crmhub is running at")
        marker = f"CRMHUB_DATA_DIR={data_dir}"
        assert len(processes_with_env(marker)) >= 4  # supervisor, web, worker, beat
        child.process.kill()  # SIGKILL: the supervisor gets no chance to clean up
        wait_until(
            lambda: not processes_with_env(marker),
            timeout=60,
            message="children of a killed supervisor kept running",
        )
        assert not port_in_use(port)
    finally:
        child.stop()
