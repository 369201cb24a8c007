"""``erase_customer``: the right to be forgotten, in the caller's transaction.

Order matters: the person's keys are locked first (the same advisory locks ingestion
takes, so a sync of the same person either finishes before or waits and then meets
the suppressions); what quotes the person is blanked while the person's rows still
say what to look for; the rows go; the suppressions and ``customer.erased`` are
written last, so they exist exactly when the erasure commits.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from core.erasure.activities import erase_activities
from core.erasure.logs import delete_inbound, scrub_audit, scrub_outbox, scrub_text_columns
from core.erasure.person import Person, find_person
from core.erasure.records import delete_identity, shared_keys
from core.identity.locks import lock_keys, locked_customers
from core.identity.suppressed import suppress
from core.models import Customer
from core.outbox import write_event

ERASED_EVENT = "customer.erased"


def erase_customer(session: Session, customer_id: int, *, actor: str) -> dict[str, Any]:
    """Remove every personal trace of one customer; returns counts of what was removed.

    Raises ``CustomerNotFound`` for an unknown id and ``ErasureRefused`` for a customer
    merged into another (erase the survivor: it holds the person's records now).
    Customers merged into this one are the same person and are erased with it. The
    caller records the audit entry, with its own request context; ``actor`` is echoed
    in the summary for it.
    """
    person = _locked_person(session, customer_id)
    shared = shared_keys(session, person)
    person.without_shared(shared)
    traces = person.traces()
    version = _version(session, customer_id)
    activities = erase_activities(session, person, traces)
    outbox = scrub_outbox(session, traces, person.customer_ids, activities)
    summary: dict[str, Any] = {
        "customer_ids": person.customer_ids,
        "activities_deleted": len(activities.deleted),
        "activities_scrubbed": activities.scrubbed,
        "inbound_events_deleted": delete_inbound(session, traces),
        "outbox_events_scrubbed": outbox["outbox_events"],
        "delivery_attempts_scrubbed": outbox["delivery_attempts"],
        "audit_entries_scrubbed": scrub_audit(session, traces, person.customer_ids),
        "other_rows_scrubbed": scrub_text_columns(session, traces, person.record_ids),
    }
    summary.update(delete_identity(session, person, shared))
    summary["suppressions"] = suppress(session, person.identity_keys())
    event = write_event(
        session,
        ERASED_EVENT,
        subject_type="customer",
        subject_id=customer_id,
        sequence=version + 1,
        payload={"id": customer_id, "customer_ids": person.customer_ids},
    )
    session.flush()
    return {**summary, "event_id": event.event_id, "erased_by": actor}


def _locked_person(session: Session, customer_id: int) -> Person:
    """Read, lock the person's keys and customers, then read again under the locks."""
    first = find_person(session, customer_id)
    lock_keys(session, first.lock_keys())
    locked_customers(session, first.customer_ids)
    person = find_person(session, customer_id)
    extra = set(person.lock_keys()) - set(first.lock_keys())
    if extra:  # a record linked while we waited: its keys are the person's too
        lock_keys(session, sorted(extra))
    return person


def _version(session: Session, customer_id: int) -> int:
    customer = session.get(Customer, customer_id)
    return customer.version if customer is not None else 0
