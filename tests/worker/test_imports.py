"""The background CSV import, run by a real worker on both transports and both databases."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.db import Database
from core.models import SourceRecord, SyncRun
from mapping import InvalidMapping
from tests.waiting import wait_until
from tests.worker.conftest import WorkerHarness
from worker.tasks.imports import start_csv_import, upload_paths

pytestmark = pytest.mark.e2e

GOOD = (
    "given_name,family_name,email\n"
    + "".join(f"Person{n},Tester,p{n}@example.com\n" for n in range(60))
    + "Bad,Row\n"
).encode()


def _run(harness: WorkerHarness, run_id: int) -> SyncRun:
    with harness.database.session() as session:
        run = session.get(SyncRun, run_id)
        assert run is not None
        return run


def _finished(harness: WorkerHarness, run_id: int) -> bool:
    return _run(harness, run_id).status in ("succeeded", "failed")


def test_an_upload_is_imported_in_the_background(harness: WorkerHarness) -> None:
    data_dir = Path(harness.env["CRMHUB_DATA_DIR"])
    good = start_csv_import(harness.database, data_dir, "../../people.csv", GOOD)
    broken = start_csv_import(harness.database, data_dir, "broken.csv", b"\xff\xfeg\x00")
    queued = _run(harness, good)
    assert (queued.status, queued.done, queued.counts) == ("queued", 0, {"filename": "people.csv"})
    assert upload_paths(data_dir, good)[0].read_bytes() == GOOD
    assert upload_paths(data_dir, good)[0].stat().st_mode & 0o777 == 0o600

    harness.start_worker(queues="ingest")
    for run_id in (good, broken):
        wait_until(lambda run_id=run_id: _finished(harness, run_id), timeout=90)

    run = _run(harness, good)
    assert (run.status, run.error, run.done, run.total) == ("succeeded", "", 61, 61)
    assert (run.counts["rows"], run.counts["imported"], run.counts["bad_rows"]) == (61, 60, 1)
    assert run.counts["problems"] == [
        {"line": 62, "reason": "2 values but the header has 3 columns", "bad": True}
    ]
    assert run.counts["filename"] == "people.csv"
    assert run.started_at is not None
    assert run.finished_at is not None
    failed = _run(harness, broken)
    assert failed.status == "failed"
    assert "UTF-16 or UTF-32" in failed.error
    with harness.database.session() as session:
        assert session.scalar(select(func.count()).select_from(SourceRecord)) == 60


def test_a_bad_mapping_is_refused_before_anything_is_stored(
    database: Database, tmp_path: Path
) -> None:
    data_dir = tmp_path / "var"
    with pytest.raises(InvalidMapping):
        start_csv_import(database, data_dir, "x.csv", GOOD, {"version": 1})
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(SyncRun)) == 0
    assert not (data_dir / "uploads").exists()


def test_the_sweeper_picks_up_an_upload_whose_message_was_lost(harness: WorkerHarness) -> None:
    data_dir = Path(harness.env["CRMHUB_DATA_DIR"])
    run_id = start_csv_import(harness.database, data_dir, "people.csv", GOOD)
    harness.app.connection_for_write().default_channel.queue_purge("ingest")  # message lost
    with harness.database.session() as session:
        run = session.get(SyncRun, run_id)
        assert run is not None
        run.created_at = run.created_at - timedelta(minutes=5)  # stuck in "queued"
    harness.start_worker(queues="ingest,default")
    harness.app.send_task("worker.tasks.imports.requeue_queued_imports", queue="ingest")
    wait_until(
        lambda: _finished(harness, run_id),
        timeout=90,
        message="the sweeper never re-enqueued the stuck upload",
    )
    assert _run(harness, run_id).status == "succeeded"
