"""Company rows, found or created by registrable domain; free-mail domains never count."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.models import Company
from core.normalize import is_freemail


def ensure_companies(session: Session, names_by_domain: Mapping[str, str]) -> dict[str, int]:
    """Company id per domain, creating missing companies in one statement.

    ``INSERT … ON CONFLICT DO NOTHING`` in sorted order: two workers creating the same
    company at once both end up with the one row, and never deadlock on each other.
    """
    domains = sorted(d for d in names_by_domain if d and not is_freemail(d))
    if not domains:
        return {}
    dialect = session.get_bind().dialect.name
    dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    rows = [{"domain": d, "name": (names_by_domain[d] or "")[:300]} for d in domains]
    # executemany of one cached statement: a VALUES list of n rows compiled anew per n
    session.execute(dialect_insert(Company).on_conflict_do_nothing(), rows)
    found = session.execute(select(Company.domain, Company.id).where(Company.domain.in_(domains)))
    return {domain: company_id for domain, company_id in found if domain is not None}
