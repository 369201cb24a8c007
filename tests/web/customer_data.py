"""Customers made through the real identity pipeline, for the customer and review pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.db import Database
from core.identity import IngestResult, ingest_customer
from core.models import Activity, ActivityCustomer, Connector

HAMPTON = {"postal_code": "23666", "city": "Hampton"}
KATHERINE_MAIL = {
    "given_name": "Katherine",
    "family_name": "Johnson",
    "emails": ["kj@nasa.gov"],
    "company_name": "NASA",
    "job_title": "Mathematician",
    "address": HAMPTON,
}
KATHERINE_DESK = {
    "full_name": "Katherine Johnson",
    "emails": ["katherine.johnson@nasa.gov"],
    "phones": ["+1 757 555 0100"],
    "company_name": "NASA",
    "address": HAMPTON,
}
KATHERINE_PHONE = {"full_name": "Katherine Johnson", "phones": ["+1 757 555 0100"]}
KATE = {"full_name": "Kate Johnson", "company_name": "NASA"}


@dataclass(frozen=True)
class Katherine:
    """One customer from three records: a new one, a scored link and a phone link."""

    customer_id: int
    mail_id: int
    desk_id: int
    phone_record_id: int
    mail_connector: int
    desk_connector: int


def connector(database: Database, kind: str, name: str) -> int:
    with database.session() as session:
        row = Connector(kind=kind, name=name)
        session.add(row)
        session.flush()
        return row.id


def ingest(database: Database, connector_id: int, external_id: str, **mapped: Any) -> IngestResult:
    with database.session() as session:
        return ingest_customer(
            session, connector_id=connector_id, external_id=external_id, raw={}, mapped=mapped
        )


def katherine(database: Database) -> Katherine:
    mail = connector(database, "gmail", "Ada's mailbox")
    desk = connector(database, "zendesk", "Support desk")
    first = ingest(database, mail, "msg-1", **KATHERINE_MAIL)
    scored = ingest(database, desk, "ticket-9", **KATHERINE_DESK)
    by_phone = ingest(database, mail, "msg-2", **KATHERINE_PHONE)
    assert (first.action, scored.action, by_phone.action) == ("created", "linked", "linked")
    assert first.customer_id == scored.customer_id == by_phone.customer_id
    assert first.customer_id is not None
    return Katherine(
        first.customer_id,
        first.source_record_id,
        scored.source_record_id,
        by_phone.source_record_id,
        mail,
        desk,
    )


def person(database: Database, connector_id: int, external_id: str, **mapped: Any) -> int:
    """A customer of its own (maybe queued for review); fails if it was linked to another."""
    result = ingest(database, connector_id, external_id, **mapped)
    assert result.action in ("created", "review"), result
    assert result.customer_id is not None
    return result.customer_id


def activity(
    database: Database,
    customer_id: int,
    external_id: str,
    kind: str,
    subject: str,
    at: datetime,
    **extra: Any,
) -> int:
    with database.session() as session:
        row = Activity(external_id=external_id, type=kind, occurred_at=at, subject=subject, **extra)
        session.add(row)
        session.flush()
        session.add(ActivityCustomer(activity_id=row.id, customer_id=customer_id))
        return row.id
