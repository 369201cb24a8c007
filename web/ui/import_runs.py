"""CSV import runs as the pages and their live JSON show them.

The background task writes its progress and report into the run's ``counts``; this
module reads them back in one shape, for the first render and for every poll alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from core.models import Connector, SyncRun
from web.ui.display import when

KIND = "csvimport"
FINISHED = ("succeeded", "failed")
STATUS_LABELS = {
    "queued": "Queued",
    "running": "Importing",
    "succeeded": "Finished",
    "failed": "Failed",
}
COUNTED = (
    "created",
    "linked",
    "updated",
    "unchanged",
    "review",
    "bad_rows",
    "flagged_rows",
    "repeated_ids",
    "suppressed",
)
QUALITY_LABELS = {"email": "Emails", "phone": "Phones", "company_domain": "Company domains"}
FLAG_LABELS = {"role": "role addresses", "freemail": "free-mail"}


@dataclass(frozen=True)
class QualityRow:
    """One field of the data-quality report, as the run page lists it."""

    label: str
    seen: int
    valid: int
    invalid: int
    reasons: list[tuple[str, int]]  # most frequent first
    flags: list[tuple[str, int]]


@dataclass(frozen=True)
class ImportRun:
    id: int
    source: str
    filename: str
    status: str
    done: int
    total: int | None
    counts: dict[str, Any]
    error: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    problems: list[dict[str, Any]] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def percent(self) -> int:
        if self.finished and self.status == "succeeded":
            return 100
        if not self.total:
            return 0
        return min(100, self.done * 100 // self.total)

    @property
    def quality(self) -> list[QualityRow]:
        """The file's emails, phones and domains: how many were usable, and why not."""
        found = self.counts.get("quality") or {}
        return [_quality_row(name, counts) for name, counts in found.items()]

    @property
    def repeats(self) -> list[dict[str, Any]]:
        return list(self.counts.get("repeats") or [])

    @property
    def bad_rows(self) -> list[dict[str, Any]]:
        return [problem for problem in self.problems if problem.get("bad")]

    @property
    def flagged_rows(self) -> list[dict[str, Any]]:
        return [problem for problem in self.problems if not problem.get("bad")]

    def as_json(self) -> dict[str, Any]:
        """What the import page's script needs to update itself."""
        return {
            "id": self.id,
            "status": self.status,
            "status_label": self.status_label,
            "finished": self.finished,
            "done": self.done,
            "total": self.total,
            "percent": self.percent,
            "counts": {name: int(self.counts.get(name) or 0) for name in COUNTED},
            "error": self.error,
            "finished_at": when(self.finished_at) if self.finished_at else None,
        }


def _quality_row(name: str, counts: dict[str, Any]) -> QualityRow:
    reasons = sorted((counts.get("reasons") or {}).items(), key=lambda item: (-item[1], item[0]))
    flags = [(FLAG_LABELS.get(flag, flag), n) for flag, n in (counts.get("flags") or {}).items()]
    return QualityRow(
        label=QUALITY_LABELS.get(name, name),
        seen=int(counts.get("seen") or 0),
        valid=int(counts.get("valid") or 0),
        invalid=int(counts.get("invalid") or 0),
        reasons=reasons,
        flags=flags,
    )


def find_run(session: Session, run_id: int) -> ImportRun | None:
    """A CSV import run; runs of other connectors are not this page's business."""
    row = session.execute(_runs().where(SyncRun.id == run_id)).first()
    return _view(*row) if row is not None else None


def recent_runs(session: Session, limit: int = 20) -> list[ImportRun]:
    query = _runs().order_by(SyncRun.created_at.desc(), SyncRun.id.desc()).limit(limit)
    return [_view(run, name) for run, name in session.execute(query)]


def _runs() -> Select[tuple[SyncRun, str]]:
    return (
        select(SyncRun, Connector.name)
        .join(Connector, Connector.id == SyncRun.connector_id)
        .where(Connector.kind == KIND)
    )


def _view(run: SyncRun, source: str) -> ImportRun:
    counts = dict(run.counts or {})
    return ImportRun(
        id=run.id,
        source=source,
        filename=str(counts.get("filename") or ""),
        status=run.status,
        done=run.done,
        total=run.total,
        counts=counts,
        error=run.error,
        created_at=run.created_at,
        started_at=run.started_at,
        finished_at=run.finished_at,
        problems=list(counts.get("problems") or []),
    )
