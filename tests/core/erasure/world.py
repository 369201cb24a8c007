"""A database where one person (the canary) is everywhere, beside another who must stay.

The canary has a CSV row and a support-desk record (one customer from two connectors),
a second customer merged into the first, activities of their own and one shared with
Otto, inbound webhooks, outbox events with deliveries whose responses echo them, audit
entries, an import run report and a task error that quote them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from connectors.csvimport import import_csv
from core import audit
from core.activities import ActivityInput, log_activity
from core.db import Database
from core.identity import IngestResult, ingest_customer, merge_customers
from core.models import (
    Connector,
    Delivery,
    DeliveryAttempt,
    InboundEvent,
    OutboxEvent,
    SourceRecord,
    SyncRun,
    TaskDelivery,
    WebhookEndpoint,
)
from core.records import pin_field

EMAIL = "carla.canary@canary-mail.example"
SECOND_EMAIL = "carla.second@canary-two.example"
NAME = "Carla Canaryström"
PHONE_WRITTEN = "+49 151 23456789"
CSV_ID = "CANARY-EXT-0042"
DESK_ID = "canary-ticket-9001"
FORM_ID = "canary-form-5"
PINNED_TITLE = "Chief Canary Wrangler"
# Every spelling that would give the canary away; "canary" alone catches the rest.
CANARIES = (
    "canary",
    "carla",
    EMAIL,
    SECOND_EMAIL,
    NAME,
    "Canaryström",
    "15123456789",
    "151 23456789",
    CSV_ID,
    DESK_ID,
    FORM_ID,
    PINNED_TITLE,
)
OTTO_EMAIL = "otto@other.example"
OTTO_NAME = "Otto Otherperson"
OTTO_ID = "OTTO-EXT-1"
CSV_TEXT = (
    "external_id,given_name,family_name,email,phone,company\n"
    f"{CSV_ID},Carla,Canaryström,{EMAIL},{PHONE_WRITTEN},Canary Works\n"
    f"{OTTO_ID},Otto,Otherperson,{OTTO_EMAIL},+1 202 555 0143,Other Inc\n"
)
WHEN = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class World:
    canary: int  # the customer to erase
    merged: int  # a customer merged into the canary
    otto: int
    shared_activity: int
    otto_inbound: int
    csv_path: Path
    desk: int  # connector ids
    forms: int


def build(database: Database, folder: Path) -> World:
    csv_path = folder / "people.csv"
    csv_path.write_text(CSV_TEXT, encoding="utf-8")
    report = import_csv(database, csv_path)
    assert report.actions["created"] == 2, report.to_dict()
    with database.session() as session:
        desk = _connector(session, "zendesk", "Support desk")
        forms = _connector(session, "forms", "Web site")
        desk_result = ingest(session, desk, DESK_ID, full_name=NAME, emails=[EMAIL])
        loser = ingest(
            session, forms, FORM_ID, given_name="Carla", family_name="Canaryström",
            emails=[SECOND_EMAIL], job_title="Wrangler",
        )  # fmt: skip
        canary, merged = desk_result.customer_id, loser.customer_id
        otto = _customer_of(session, OTTO_ID)
        assert desk_result.action == "linked"
        assert loser.action in ("created", "review")
        assert None not in (canary, merged, otto)
        assert len({canary, merged, otto}) == 3
    with database.session() as session:
        _activity(session, "form-1", "Form sent by Carla", [merged], [{"email": SECOND_EMAIL}])
        merge_customers(session, canary, merged, actor="admin@example.com")
        pin_field(session, canary, "job_title", PINNED_TITLE, actor="admin@example.com")
        _activity(session, "call-1", f"Call with {NAME}", [canary], [{"phone": "+4915123456789"}])
        shared = _activity(
            session,
            "mail-1",
            "Re: Carla and Otto, the contract",
            [canary, otto],
            [
                {"email": EMAIL.upper(), "name": NAME},
                {"email": OTTO_EMAIL, "name": OTTO_NAME},
            ],
            summary=f"{NAME} wrote to Otto about the contract.",
        )
        otto_inbound = _inbound(session, desk)
        _deliveries(session, canary, otto)
        _logs(session, canary, otto, desk)
    return World(canary, merged, otto, shared, otto_inbound, csv_path, desk, forms)


def _connector(session: Session, kind: str, name: str) -> int:
    row = Connector(kind=kind, name=name)
    session.add(row)
    session.flush()
    return row.id


def ingest(session: Session, connector_id: int, external_id: str, **mapped: Any) -> IngestResult:
    return ingest_customer(
        session,
        connector_id=connector_id,
        external_id=external_id,
        raw={"id": external_id, **mapped},
        mapped=mapped,
    )


def _customer_of(session: Session, external_id: str) -> int | None:
    query = select(SourceRecord.customer_id).where(SourceRecord.external_id == external_id)
    return session.scalar(query)


def _activity(
    session: Session,
    external_id: str,
    subject: str,
    customers: list[int],
    people: list[dict[str, str]],
    summary: str = "",
) -> int:
    item = ActivityInput(
        type="email",
        occurred_at=WHEN,
        external_id=external_id,
        connector_id=None,
        subject=subject,
        summary=summary,
        participants=tuple({**p, "role": "to"} for p in people),
        data={"headers": {"From": f"{NAME} <{EMAIL}>"}} if "Otto" in subject else {},
    )
    return log_activity(session, item, customer_ids=customers).activity_id


def _inbound(session: Session, desk: int) -> int:
    """One webhook about the canary (as JSON, with its escapes) and one about Otto."""
    canary_body = json.dumps({"ticket": DESK_ID, "requester": {"email": EMAIL, "name": NAME}})
    headers = {"X-Requester": EMAIL}
    session.add(InboundEvent(connector_id=desk, dedupe_key="c1", body=canary_body.encode()))
    session.add(InboundEvent(connector_id=desk, dedupe_key="c2", headers=headers, body=b"{}"))
    otto = InboundEvent(
        connector_id=desk,
        dedupe_key="o1",
        body=json.dumps({"requester": {"email": OTTO_EMAIL}}).encode(),
    )
    session.add(otto)
    session.flush()
    return otto.id


def _deliveries(session: Session, canary: int, otto: int) -> None:
    endpoint = WebhookEndpoint(url="https://receiver.example/hook", secret_encrypted="x")
    session.add(endpoint)
    session.flush()
    events = session.scalars(select(OutboxEvent).order_by(OutboxEvent.id)).all()
    for event in events:
        if event.subject_type != "customer" or event.subject_id not in (canary, otto):
            continue
        delivery = Delivery(event_id=event.id, endpoint_id=endpoint.id, last_error="HTTP 500")
        session.add(delivery)
        session.flush()
        echo = json.dumps({"received": event.payload}, ensure_ascii=False)[:2000]
        session.add(
            DeliveryAttempt(delivery_id=delivery.id, status_code=500, response_excerpt=echo)
        )
        if event.subject_id == otto:  # a receiver complaining about someone else's data
            note = f"conflicts with {EMAIL}"
            session.add(DeliveryAttempt(delivery_id=delivery.id, response_excerpt=note))


def _logs(session: Session, canary: int, otto: int, desk: int) -> None:
    admin = "admin@example.com"
    target = f"customer {canary}"
    audit.record(session, admin, "customer.field_pinned", target=target,
                 details={"field": "job_title", "value": PINNED_TITLE})  # fmt: skip
    audit.record(session, admin, "import.started", target="import 7",
                 details={"file": "people.csv", "comment": f"asked by {EMAIL}"})  # fmt: skip
    audit.record(session, admin, "customer.field_pinned", target=f"customer {otto}",
                 details={"field": "job_title", "value": "Otto's title"})  # fmt: skip
    problems = [{"line": 2, "reason": f"emails[1] {EMAIL} repeated", "bad": False}]
    session.add(SyncRun(connector_id=desk, status="succeeded", counts={"problems": problems}))
    session.add(TaskDelivery(task_id="t-1", name="ingest", error=f"failed on {DESK_ID}"))
