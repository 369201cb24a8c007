"""Company rows, found or created by registrable domain; free-mail domains never count."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.models import Company
from core.normalize import is_freemail


def ensure_companies(session: Session, names_by_domain: Mapping[str, str]) -> dict[str, int]:
    """Company id per domain, creating missing companies in one statement.

    Known companies are read first: almost every call finds them all, and then no
    INSERT is sent (one statement per resolve saved). The missing ones go in with
    ``INSERT … ON CONFLICT DO NOTHING RETURNING`` in sorted order, so two workers creating
    the same company at once both end up with the one row and never deadlock on each other.
    """
    domains = sorted(d for d in names_by_domain if d and not is_freemail(d))
    if not domains:
        return {}
    found = _company_ids(session, domains)
    missing = [d for d in domains if d not in found]
    if missing:
        dialect = session.get_bind().dialect.name
        dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        rows = [{"domain": d, "name": (names_by_domain[d] or "")[:300]} for d in missing]
        # executemany of one cached statement: a VALUES list of n rows compiled anew per n;
        # RETURNING names the rows made here, so only a race lost sends one more SELECT
        insert = dialect_insert(Company).on_conflict_do_nothing()
        made = session.execute(insert.returning(Company.domain, Company.id), rows)
        found.update(dict(made.all()))
        lost = [d for d in missing if d not in found]  # another writer created them first
        if lost:
            found.update(_company_ids(session, lost))
    return found


def _company_ids(session: Session, domains: list[str]) -> dict[str, int]:
    rows = session.execute(_IDS_BY_DOMAIN, {"domains": domains})
    return {domain: company_id for domain, company_id in rows if domain is not None}


_IDS_BY_DOMAIN = select(Company.domain, Company.id).where(
    Company.domain.in_(bindparam("domains", expanding=True))
)  # built once: it runs on every resolve
