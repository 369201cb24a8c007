"""What each synced mailbox held, and threads a rep marked private.

``mailbox_messages`` has one row per provider message per mailbox, logged or skipped
on purpose: reconciliation compares the provider's ids with these rows, so a message
is either accounted for (with its activity or its skip reason) or a visible gap.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, utcnow

PRIVACY_LEVELS = ("", "metadata", "hidden")


class MailboxMessage(Base):
    __tablename__ = "mailbox_messages"
    __table_args__ = (
        UniqueConstraint("connector_id", "provider_id"),
        Index("ix_mailbox_messages_connector_sent", "connector_id", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    connector_id: Mapped[int] = mapped_column(ForeignKey("connectors.id", ondelete="CASCADE"))
    provider_id: Mapped[str] = mapped_column(String(255))
    message_id: Mapped[str] = mapped_column(String(998), default="")  # RFC 822 Message-ID
    sent_at: Mapped[datetime | None]
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", ondelete="SET NULL"), index=True
    )
    skip_reason: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PrivateThread(Base):
    """A rep's choice for one conversation: log metadata only, or hide it entirely."""

    __tablename__ = "private_threads"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    thread_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    level: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
