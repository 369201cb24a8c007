"""The sync task's refusals close the run they were given, so the next request is not blocked."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.db import Database
from core.models import Connector, SyncRun
from core.settings import load_settings
from worker import runtime
from worker.tasks.sync import sync_connector


@pytest.mark.parametrize(
    ("kind", "status", "reason"),
    [
        ("gmail", "needs_reconnect", "the mailbox must be connected again"),
        ("gmail", "paused", "the mailbox is paused"),
        ("forms", "active", "forms connectors are not synced"),
    ],
)
def test_a_refused_sync_closes_its_queued_run(
    database: Database, tmp_path: Path, kind: str, status: str, reason: str
) -> None:
    settings = load_settings(
        {"CRMHUB_DATA_DIR": str(tmp_path / "var"), "CRMHUB_DATABASE_URL": database.url}
    )
    runtime.bind(settings)
    with database.session() as session:
        row = Connector(kind=kind, name="rita@example.com", status=status)
        session.add(row)
        session.flush()
        run = SyncRun(connector_id=row.id, stream="mail", status="queued")
        session.add(run)
        session.flush()
        connector_id, run_id = row.id, run.id

    result = sync_connector.run(connector_id, run_id=run_id)

    assert result == {"skipped": reason}
    with database.session() as session:
        closed = session.get(SyncRun, run_id)
        assert closed is not None
        assert closed.status == "failed"
        assert closed.error == f"not synced: {reason}"
    runtime.current().database.dispose()
