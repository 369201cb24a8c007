"""Read-only listings shared by the pages and the API."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import AuditEntry, User


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def audit_page(session: Session, page: int, per_page: int) -> AuditPage:
    """Newest first; ids break ties between entries written in the same instant."""
    total = session.scalar(select(func.count(AuditEntry.id))) or 0
    entries = session.scalars(
        select(AuditEntry)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return AuditPage(list(entries), page, per_page, total)


def all_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.role, User.email)))
