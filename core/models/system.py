"""Operational state: worker heartbeats, task delivery counts, organization settings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, utcnow


class WorkerHeartbeat(Base):
    """Written by every worker on a timer; a worker is alive while its row is fresh."""

    __tablename__ = "worker_heartbeats"

    hostname: Mapped[str] = mapped_column(String(255), primary_key=True)
    pid: Mapped[int]
    queues: Mapped[str] = mapped_column(String(255), default="")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class TaskDelivery(Base):
    """How often the broker handed us one task message: the cap on poison messages."""

    __tablename__ = "task_deliveries"

    task_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    deliveries: Mapped[int] = mapped_column(default=0)
    state: Mapped[str] = mapped_column(String(16), default="started")
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    error: Mapped[str] = mapped_column(Text, default="")


class AppSetting(Base):
    """Organization-wide settings an admin edits in the UI (allow-lists, domains …)."""

    __tablename__ = "app_settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
