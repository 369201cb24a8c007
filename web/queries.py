"""Read-only listings shared by the pages and the API."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import AuditEntry, User
from web.pagination import Paged


@dataclass(frozen=True)
class AuditPage(Paged):
    entries: list[AuditEntry]
    page: int
    per_page: int
    total: int


def audit_page(session: Session, page: int, per_page: int) -> AuditPage:
    """Newest first; ids break ties between entries written in the same instant.

    A page past the end is empty without asking the database: an offset as large as a
    caller may type overflows SQLite's integers.
    """
    total = session.scalar(select(func.count(AuditEntry.id))) or 0
    if (page - 1) * per_page >= total:
        return AuditPage([], page, per_page, total)
    entries = session.scalars(
        select(AuditEntry)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return AuditPage(list(entries), page, per_page, total)


def all_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.role, User.email)))
