"""Deleting what identity resolution kept about the person: records, keys, verdicts, merges.

Foreign keys would cascade most of this, but every delete is explicit: the counts go in
the erasure summary, and nothing depends on SQLite's foreign-key switch being on.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, exists, or_, select, tuple_
from sqlalchemy.orm import Session

from core.erasure.person import Person
from core.models import (
    Company,
    Customer,
    CustomerMerge,
    IdentityKey,
    NonMatch,
    ReviewItem,
    SharedKey,
    SourceRecord,
)

_NO_SYNC = {"synchronize_session": False}


def shared_keys(session: Session, person: Person) -> set[tuple[str, str]]:
    """The person's email and phone keys that are demoted as shared by distinct people."""
    wanted = [("email", e) for e in person.emails] + [("phone", p) for p in person.phones]
    if not wanted:
        return set()
    query = select(SharedKey.kind, SharedKey.value).where(
        SharedKey.value.in_({v for _, v in wanted}), SharedKey.kind.in_(("email", "phone"))
    )
    return {(kind, value) for kind, value in session.execute(query)} & set(wanted)


def delete_identity(
    session: Session, person: Person, shared: set[tuple[str, str]]
) -> dict[str, int]:
    """Everything about the person's records and customers, then the customers themselves."""
    records, customers = person.record_ids, person.customer_ids
    session.flush()
    counts = {
        "review_items": _delete(
            session,
            ReviewItem,
            or_(
                ReviewItem.source_record_id.in_(records),
                ReviewItem.candidate_record_id.in_(records),
            ),
        ),
        "non_matches": _delete(
            session,
            NonMatch,
            or_(NonMatch.record_a_id.in_(records), NonMatch.record_b_id.in_(records)),
        ),
        "merges": _delete(
            session,
            CustomerMerge,
            or_(CustomerMerge.winner_id.in_(customers), CustomerMerge.loser_id.in_(customers)),
        ),
        "identity_keys": _delete(session, IdentityKey, IdentityKey.source_record_id.in_(records)),
        "source_records": _delete(session, SourceRecord, SourceRecord.id.in_(records)),
    }
    _delete(session, IdentityKey, IdentityKey.customer_id.in_(customers))  # none expected
    companies = _companies(session, customers)
    session.execute(
        delete(Customer)
        .where(Customer.id.in_(customers))
        .execution_options(synchronize_session="fetch")
    )
    counts["customers"] = len(customers)
    counts["companies"] = _delete_orphans(session, companies)
    counts["shared_keys"] = _forget_shared(session, shared)
    return counts


def _delete(session: Session, model: type[Any], condition: Any) -> int:
    result = session.execute(delete(model).where(condition).execution_options(**_NO_SYNC))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _companies(session: Session, customers: Iterable[int]) -> set[int]:
    query = select(Customer.company_id).where(
        Customer.id.in_(list(customers)), Customer.company_id.is_not(None)
    )
    return set(session.scalars(query))


def _delete_orphans(session: Session, company_ids: set[int]) -> int:
    """A company no other customer works at was known only through this person.

    Its domain often comes from the person's work address, so it goes too.
    """
    if not company_ids:
        return 0
    used = exists().where(Customer.company_id == Company.id)
    return _delete(session, Company, Company.id.in_(company_ids) & ~used)


def _forget_shared(session: Session, shared: set[tuple[str, str]]) -> int:
    """A shared-key row names the key; once no record holds it, it only names the person."""
    if not shared:
        return 0
    wanted = sorted(shared)
    held = exists().where(IdentityKey.kind == SharedKey.kind, IdentityKey.value == SharedKey.value)
    pairs = tuple_(SharedKey.kind, SharedKey.value).in_(wanted)
    return _delete(session, SharedKey, pairs & ~held)
