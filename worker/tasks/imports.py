"""Background CSV import for the upload page: store the upload, then import it in a worker.

``start_csv_import`` runs in the web process: it checks the mapping, stores the file
under ``$DATA_DIR/uploads/`` and a queued SyncRun, commits, and only then enqueues the
task, which takes nothing but the run's id. The task runs the same ``import_csv`` as
the command line and writes its progress (done, total, counts) to the SyncRun as it
goes. A second delivery of the message re-runs the import, which changes nothing for
rows already resolved; a run already finished is left as it is.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from celery import shared_task
from sqlalchemy import select

from connectors.csvimport import (
    DEFAULT_SOURCE,
    CsvFileError,
    ImportReport,
    ensure_source,
    import_csv,
    load_mapping,
)
from core.db import Database, describe_db_error
from core.models import Connector, SyncRun, utcnow
from mapping import InvalidMapping
from worker import runtime
from worker.delivery_cap import CappedTask

UPLOADS = "uploads"
PROGRESS_EVERY_SECONDS = 0.5
REQUEUE_AFTER = timedelta(minutes=1)
MappingDoc = dict[str, Any] | str | None


def upload_paths(data_dir: Path, run_id: int) -> tuple[Path, Path]:
    """Where a run's file and its mapping are kept: named by run id, never by the user."""
    folder = Path(data_dir) / UPLOADS
    return folder / f"sync-run-{run_id}.csv", folder / f"sync-run-{run_id}.mapping"


def start_csv_import(
    database: Database,
    data_dir: Path,
    filename: str,
    content: bytes,
    mapping_doc: MappingDoc = None,
    *,
    source: str = DEFAULT_SOURCE,
) -> int:
    """Store the upload and a queued SyncRun, then enqueue; InvalidMapping stores nothing."""
    if mapping_doc is not None:
        load_mapping(mapping_doc)
    connector_id = ensure_source(database, source)
    folder = Path(data_dir) / UPLOADS
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    written: list[Path] = []
    try:
        with database.session() as session:
            run = SyncRun(
                connector_id=connector_id,
                stream="rows",
                status="queued",
                counts={"filename": Path(filename).name[:255]},
            )
            session.add(run)
            session.flush()
            run_id = int(run.id)
            written = _store(folder, run_id, content, mapping_doc)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    import_upload.delay(run_id)
    return run_id


def _store(folder: Path, run_id: int, content: bytes, mapping_doc: MappingDoc) -> list[Path]:
    csv_path, mapping_path = upload_paths(folder.parent, run_id)
    _write(csv_path, content)
    if mapping_doc is None:
        return [csv_path]
    text = mapping_doc if isinstance(mapping_doc, str) else json.dumps(mapping_doc)
    _write(mapping_path, text.encode("utf-8"))
    return [csv_path, mapping_path]


def _write(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    path.chmod(0o600)


@shared_task(base=CappedTask, name="worker.tasks.imports.import_upload")
def import_upload(run_id: int) -> dict[str, Any] | None:
    """Import a stored upload, keeping its SyncRun up to date; None if already finished."""
    rt = runtime.current()
    database = rt.database
    source = _claim(database, run_id)
    if source is None:
        return None
    csv_path, mapping_path = upload_paths(rt.settings.data_dir, run_id)
    mapping_doc = mapping_path.read_text("utf-8") if mapping_path.exists() else None
    report = ImportReport()
    try:
        import_csv(
            database,
            csv_path,
            mapping_doc,
            _progress(database, run_id, report),
            source=source,
            report=report,
        )
    except (CsvFileError, InvalidMapping) as exc:
        _finish(database, run_id, report, "failed", str(exc))
        return None
    except Exception as exc:
        _finish(database, run_id, report, "failed", describe_db_error(exc))
        raise
    _finish(database, run_id, report, "succeeded", "")
    return {"run_id": run_id, "rows": report.rows, "imported": report.imported}


def _claim(database: Database, run_id: int) -> str | None:
    """Mark the run running and return its source name; None when there is nothing to do."""
    with database.session() as session:
        run = session.get(SyncRun, run_id)
        if run is None or run.status in ("succeeded", "failed"):
            return None
        run.status = "running"
        run.started_at = run.started_at or utcnow()
        connector = session.get(Connector, run.connector_id)
        return connector.name if connector is not None else DEFAULT_SOURCE


def _progress(database: Database, run_id: int, report: ImportReport) -> Callable[[int, int], None]:
    """A progress callback writing done/total/counts, at most twice a second."""
    last = 0.0

    def update(done: int, total: int) -> None:
        nonlocal last
        if time.monotonic() - last < PROGRESS_EVERY_SECONDS and done < total:
            return
        last = time.monotonic()
        with database.session() as session:
            run = session.get(SyncRun, run_id)
            if run is not None:
                run.done, run.total = done, total
                run.counts = {**run.counts, **report.to_dict()}

    return update


def _finish(database: Database, run_id: int, report: ImportReport, status: str, error: str) -> None:
    with database.session() as session:
        run = session.get(SyncRun, run_id)
        if run is None:
            return
        run.status, run.error, run.finished_at = status, error[:2000], utcnow()
        run.done = report.rows
        run.total = max(run.total or 0, report.rows)
        run.counts = {**run.counts, **report.to_dict()}


@shared_task(base=CappedTask, name="worker.tasks.imports.requeue_queued_imports")
def requeue_queued_imports() -> int:
    """Sweeper: enqueue again uploads stored but never picked up (a lost broker message,
    or a broker that was down when the upload was accepted). Importing twice is harmless."""
    cutoff = utcnow() - REQUEUE_AFTER
    with runtime.current().database.session() as session:
        run_ids = list(
            session.scalars(
                select(SyncRun.id)
                .join(Connector, Connector.id == SyncRun.connector_id)
                .where(
                    Connector.kind == "csvimport",
                    SyncRun.status == "queued",
                    SyncRun.created_at < cutoff,
                )
            )
        )
    for run_id in run_ids:
        import_upload.delay(run_id)
    return len(run_ids)
