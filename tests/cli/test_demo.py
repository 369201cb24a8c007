"""``crmhub demo``: the Gmail emulator, a connected mailbox and its backfill, end to end."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from connectors.mailboxes import Spec, generate
from core.db import Database
from core.models import Activity, Connector, MailboxMessage
from tests.e2e.processes import Child, crmhub_env
from tests.servers import free_port
from web.cli.demo import SEED

REPS, MESSAGES = 2, 80


def _truth() -> tuple[list[str], int, int]:
    """The two connected reps, messages logged for them, and activities (by Message-ID)."""
    organization = generate(Spec(seed=SEED, reps=REPS, messages_per_mailbox=MESSAGES))
    emails = list(organization.mailboxes)[:2]
    truths = [organization.truth()[email].external for email in emails]
    return emails, sum(len(t) for t in truths), len(truths[0] | truths[1])


def _demo(tmp_path: Path, database: Database, *args: str) -> Child:
    env = crmhub_env(tmp_path / "var", CRMHUB_DATABASE_URL=database.url,
                     CRMHUB_PORT=str(free_port()))  # fmt: skip
    command = [sys.executable, "-m", "web.cli", "demo", "--reps", str(REPS),
               "--messages", str(MESSAGES), *args]  # fmt: skip
    return Child(command, env)


def test_demo_once_backfills_the_mailbox_and_prints_the_counts(
    tmp_path: Path, database: Database
) -> None:
    emails, logged, activities = _truth()
    child = _demo(tmp_path, database, "--once")
    assert child.wait(timeout=180) == 0, "\n".join(child.output())
    output = "\n".join(child.output())
    assert f"connected mailbox {emails[0]} (Gmail)" in output
    assert f"connected mailbox {emails[1]} (Outlook)" in output
    assert f"messages: {2 * MESSAGES} accounted for of {2 * MESSAGES}" in output
    assert f"logged: {logged} (as {activities} activities" in output
    assert activities < logged  # mail between the two reps is one activity
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Activity)) == activities
        assert session.scalar(select(func.count()).select_from(MailboxMessage)) == 2 * MESSAGES
        assert set(session.scalars(select(Connector.status))) == {"active"}


@pytest.mark.e2e
def test_demo_runs_web_worker_and_beat_and_stops_on_ctrl_c(
    tmp_path: Path, database: Database
) -> None:
    emails, logged, activities = _truth()
    child = _demo(tmp_path, database)
    try:
        child.expect(re.escape(f"connected mailbox {emails[1]} (Outlook)"))
        url = child.expect(r"crmhub demo is running at (http://\S+)").group(1)
        child.expect(re.escape(f"logged: {logged} (as {activities} activities"), timeout=180)
        assert requests.get(f"{url}/api/v1/health", timeout=10).status_code == 200
    finally:
        code = child.interrupt()
    assert code == 0, "\n".join(child.output())
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Activity)) == activities
