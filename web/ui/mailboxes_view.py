"""What the mailbox pages show, read in one place: state, the latest sync, the tally.

"Accounted for" counts the mailbox's rows in ``mailbox_messages`` (logged or skipped
with a reason) against the latest run's total, so a rep can see that nothing was lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from connectors.sync.runner import rate_and_eta
from core.models import Connector, MailboxMessage, SyncRun, User

STATES = {
    "active": "Active",
    "paused": "Paused",
    "needs_reconnect": "Needs reconnect",
    "error": "Error",
}
RUN_LABELS = {
    "queued": "Queued",
    "running": "Syncing",
    "succeeded": "Finished",
    "failed": "Failed",
}
RUNNING = ("queued", "running")
PROVIDERS = {"gmail": "Gmail", "outlook": "Outlook"}


@dataclass(frozen=True)
class RunView:
    id: int
    status: str
    done: int
    total: int | None
    counts: dict[str, Any]
    started_at: datetime | None
    finished_at: datetime | None
    error: str
    rate: float | None
    eta_seconds: float | None

    @property
    def finished(self) -> bool:
        return self.status not in RUNNING

    @property
    def label(self) -> str:
        return RUN_LABELS.get(self.status, self.status.capitalize())

    @property
    def percent(self) -> int:
        if self.finished and not self.error:
            return 100
        if not self.total:
            return 0
        return min(100, int(self.done * 100 / self.total))


@dataclass(frozen=True)
class MailboxView:
    id: int
    address: str
    owner_id: int | None
    owner: str
    status: str
    last_error: str
    run: RunView | None
    accounted: int
    last_sync: datetime | None
    skip_reasons: list[tuple[str, int]] = field(default_factory=list)
    checked: RunView | None = None  # the latest reconciliation against the provider
    kind: str = "gmail"

    @property
    def provider(self) -> str:
        return PROVIDERS.get(self.kind, self.kind)

    @property
    def provider_company(self) -> str:
        """Who grants the access a reconnect renews."""
        return "Microsoft" if self.kind == "outlook" else "Google"

    @property
    def state_label(self) -> str:
        return STATES.get(self.status, self.status)

    @property
    def accounted_text(self) -> str:
        """Against the provider's own count when a reconciliation has run, else the run's."""
        if self.checked is not None and self.checked.total is not None:
            text = accounted_text(self.checked.done, self.checked.total)
            repaired = int(self.checked.counts.get("repaired", 0))
            return f"{text} (checked with the provider; {repaired} gaps repaired)"
        return accounted_text(self.accounted, self.run.total if self.run else None)


def accounted_text(accounted: int, total: int | None) -> str:
    noun = "message" if accounted == 1 else "messages"
    if total is None:
        return f"{accounted} {noun} accounted for; the mailbox's total is not known yet"
    return f"{accounted} of {total} messages accounted for"


def mailbox_views(session: Session, owner_id: int | None) -> list[MailboxView]:
    """The mailbox connectors of one rep, or of everyone when ``owner_id`` is None."""
    query = select(Connector).where(Connector.kind.in_(PROVIDERS)).order_by(Connector.id)
    if owner_id is not None:
        query = query.where(Connector.owner_id == owner_id)
    return [_view(session, row, reasons=False) for row in session.scalars(query)]


def mailbox_view(session: Session, connector_id: int) -> MailboxView | None:
    row = session.get(Connector, connector_id)
    if row is None or row.kind not in PROVIDERS:
        return None
    return _view(session, row, reasons=True)


def _view(session: Session, row: Connector, *, reasons: bool) -> MailboxView:
    owner = session.get(User, row.owner_id) if row.owner_id is not None else None
    tally = select(func.count()).select_from(MailboxMessage)
    return MailboxView(
        id=row.id,
        address=str((row.settings or {}).get("email", row.name)),
        owner_id=row.owner_id,
        owner=owner.email if owner else "(nobody)",
        status=row.status,
        last_error=row.last_error,
        run=_latest_run(session, row.id, stream="mail"),
        checked=_latest_run(session, row.id, stream="reconcile"),
        accounted=session.scalar(tally.where(MailboxMessage.connector_id == row.id)) or 0,
        last_sync=session.scalar(
            select(func.max(SyncRun.finished_at)).where(SyncRun.connector_id == row.id)
        ),
        skip_reasons=_skip_reasons(session, row.id) if reasons else [],
        kind=row.kind,
    )


def _latest_run(session: Session, connector_id: int, *, stream: str) -> RunView | None:
    row = session.scalar(
        select(SyncRun)
        .where(SyncRun.connector_id == connector_id, SyncRun.stream == stream)
        .order_by(SyncRun.id.desc())
        .limit(1)
    )
    if row is None:
        return None
    speed = rate_and_eta(row)
    return RunView(
        id=row.id,
        status=row.status,
        done=row.done,
        total=row.total,
        counts=dict(row.counts or {}),
        started_at=row.started_at,
        finished_at=row.finished_at,
        error=row.error,
        rate=speed["rate"],
        eta_seconds=speed["eta_seconds"],
    )


def _skip_reasons(session: Session, connector_id: int) -> list[tuple[str, int]]:
    rows = session.execute(
        select(MailboxMessage.skip_reason, func.count())
        .where(MailboxMessage.connector_id == connector_id, MailboxMessage.skip_reason != "")
        .group_by(MailboxMessage.skip_reason)
        .order_by(func.count().desc(), MailboxMessage.skip_reason)
    ).all()
    return [(str(reason), int(count)) for reason, count in rows]


def run_json(view: MailboxView) -> dict[str, Any]:
    """The live part of the page, already worded, for static text updates."""
    run = view.run
    data: dict[str, Any] = {
        "state": view.status,
        "state_label": view.state_label,
        "accounted_text": view.accounted_text,
        "finished": run is None or run.finished,
        "run": None,
    }
    if run is not None:
        data["run"] = {
            "status": run.status,
            "status_label": run.label,
            "done": run.done,
            "total": "?" if run.total is None else run.total,
            "percent": run.percent,
            "rate": rate_text(run.rate),
            "eta": eta_text(run),
            "counts": {name: run.counts.get(name, 0) for name in COUNTED},
        }
    return data


COUNTED = ("logged", "skipped", "customers_created")


def rate_text(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.1f} messages/s"


def eta_text(run: RunView) -> str:
    if run.finished:
        return "done"
    if run.eta_seconds is None:
        return "not known yet"
    seconds = int(run.eta_seconds)
    if seconds < 60:
        return f"about {max(seconds, 1)} s"
    if seconds < 3600:
        return f"about {round(seconds / 60)} min"
    return f"about {seconds / 3600:.1f} h"
