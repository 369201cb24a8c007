"""Connected accounts (one row per account of a tool) and their sync runs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, utcnow

CONNECTOR_STATUSES = ("active", "paused", "needs_reconnect", "error")
SYNC_STATUSES = ("queued", "running", "succeeded", "failed")


class Connector(Base):
    """One account of one tool: settings, encrypted credentials, and cursor state."""

    __tablename__ = "connectors"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    name: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    credentials_encrypted: Mapped[str | None] = mapped_column(Text)
    cursor: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(32), default="active")
    last_error: Mapped[str] = mapped_column(Text, default="")
    # One sync per account at a time: the holder's id and until when its lease runs.
    sync_owner: Mapped[str] = mapped_column(String(64), default="")
    sync_lease_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SyncRun(Base):
    __tablename__ = "sync_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    connector_id: Mapped[int] = mapped_column(
        ForeignKey("connectors.id", ondelete="CASCADE"), index=True
    )
    stream: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(16), default="queued")
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int | None]
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
