"""Golden records in the database: recompute, pin a manual edit, keep flat columns in step."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Connector, Customer, SourceRecord, utcnow
from core.outbox import EventRow, add_event
from core.records.companies import ensure_companies
from core.records.errors import CustomerNotFound, IdentityError, UnknownField
from core.records.events import customer_event_row
from core.records.fields import GOLDEN_FIELDS, LIST_FIELDS, MAP_FIELDS, work_email_domains
from core.records.golden import RecordView, changed_fields, compute_golden, values_of
from core.records.jsonsafe import json_safe
from core.records.rules import SurvivorshipRules, load_rules


def recompute_golden(
    session: Session, customer_id: int, *, rules: SurvivorshipRules | None = None
) -> set[str]:
    """Recompute one customer from its source records; returns the changed fields.

    A change bumps the version and writes ``customer.updated`` in this transaction.
    """
    customer = active_customer(session, customer_id)
    views = load_record_views(session, [customer.id])
    changed = refresh_customers(session, [customer], views, rules or load_rules(session))
    if changed[customer.id]:
        announce_update(session, customer, changed[customer.id])
    return changed[customer.id]


def pin_field(
    session: Session, customer_id: int, field: str, value: Any, *, actor: str
) -> Customer:
    """Pin a manual edit: it wins over every source until unpinned."""
    return edit_fields(session, customer_id, {field: value}, actor=actor)


def unpin_field(session: Session, customer_id: int, field: str, *, actor: str) -> Customer:
    """Drop a manual edit; the field goes back to its survivorship rule."""
    return edit_fields(session, customer_id, {field: None}, actor=actor)


def edit_fields(
    session: Session, customer_id: int, changes: Mapping[str, Any], *, actor: str
) -> Customer:
    """Pin each field given a value and unpin each given None, then recompute once.

    One edit of several fields is one version and one ``customer.updated`` naming them
    all, so receivers see the edit as it was made. An unknown field refuses the whole
    edit before anything changes.
    """
    for field in changes:
        if field not in GOLDEN_FIELDS:
            raise UnknownField(field)
    customer = active_customer(session, customer_id)
    at = utcnow().isoformat()
    pinned = {name: pin for name, pin in customer.pinned.items() if name not in changes}
    for field, value in changes.items():
        if value is not None:
            pinned[field] = {"value": _pin_value(field, value), "actor": actor, "at": at}
    customer.pinned = pinned
    recompute_golden(session, customer.id)
    return customer


def active_customer(session: Session, customer_id: int) -> Customer:
    """The customer, row-locked (its version numbers the next event), or a plain error
    when it does not exist or was merged away."""
    customer = session.get(Customer, customer_id, with_for_update=True, populate_existing=True)
    if customer is None:
        raise CustomerNotFound(customer_id)
    if customer.merged_into_id is not None:
        raise IdentityError(
            f"customer {customer_id} was merged into customer {customer.merged_into_id}"
        )
    return customer


def load_record_views(session: Session, customer_ids: Iterable[int]) -> dict[int, list[RecordView]]:
    """Every linked source record of these customers, in one query."""
    ids = sorted(set(customer_ids))
    views: dict[int, list[RecordView]] = {customer_id: [] for customer_id in ids}
    if not ids:
        return views
    rows = session.execute(
        select(
            SourceRecord.id,
            SourceRecord.customer_id,
            SourceRecord.mapped,
            SourceRecord.content_updated_at,
            Connector.kind,
        )
        .join(Connector, Connector.id == SourceRecord.connector_id)
        .where(SourceRecord.customer_id.in_(ids))
    )
    for record_id, customer_id, mapped, updated_at, kind in rows:
        views[customer_id].append(RecordView(record_id, kind, mapped, updated_at))
    return views


def refresh_customers(
    session: Session,
    customers: Sequence[Customer],
    views: Mapping[int, Sequence[RecordView]],
    rules: SurvivorshipRules,
) -> dict[int, set[str]]:
    """Set golden values and flat columns of several customers; no events.

    Returns the changed fields per customer id. A customer merged into another keeps
    its last golden values, so its page can still say who it was. Companies are found
    or created for all of them in one statement.
    """
    now = utcnow()
    changed: dict[int, set[str]] = {customer.id: set() for customer in customers}
    active = [customer for customer in customers if customer.merged_into_id is None]
    for customer in active:
        golden = compute_golden(
            views.get(customer.id, []),
            rules,
            pinned=customer.pinned,
            previous=customer.golden or {},
            now=now,
        )
        changed[customer.id] = changed_fields(customer.golden or {}, golden)
        if golden != customer.golden:
            customer.golden = golden
        _sync_flat_columns(customer)
    _sync_companies(session, active)
    return changed


def announce_update(session: Session, customer: Customer, changed: set[str]) -> None:
    """Bump the version and write ``customer.updated`` with the changed values."""
    add_event(session, update_event_row(customer, changed))


def update_event_row(customer: Customer, changed: set[str]) -> EventRow:
    """Bump the version; the ``customer.updated`` event naming the changed values."""
    customer.version += 1
    values = values_of(customer.golden)
    changes = {"changed": {name: values.get(name) for name in sorted(changed)}}
    return customer_event_row(customer, "customer.updated", changes)


def _sync_flat_columns(customer: Customer) -> None:
    values = values_of(customer.golden or {})
    emails, phones = values.get("emails") or [], values.get("phones") or []
    full = values.get("full_name") or " ".join(
        part for part in (values.get("given_name"), values.get("family_name")) if part
    )
    customer.full_name = (full or "")[:300]
    customer.primary_email = emails[0][:320] if emails else None
    customer.primary_phone = phones[0][:32] if phones else None


def _company_domain(customer: Customer) -> tuple[str | None, str]:
    values = values_of(customer.golden or {})
    declared = values.get("company_domains") or []
    domains = list(declared) or work_email_domains(values.get("emails") or [])
    return (domains[0] if domains else None), str(values.get("company_name") or "")


def _sync_companies(session: Session, customers: Sequence[Customer]) -> None:
    wanted = {customer.id: _company_domain(customer) for customer in customers}
    names = {domain: name for domain, name in wanted.values() if domain}
    ids = ensure_companies(session, names)
    for customer in customers:
        domain = wanted[customer.id][0]
        company_id = ids.get(domain) if domain else None
        if customer.company_id != company_id:
            customer.company_id = company_id


def _pin_value(field: str, value: Any) -> Any:
    value = json_safe(value)
    if field in LIST_FIELDS and not isinstance(value, list):
        return [] if value is None else [value]
    if field in MAP_FIELDS and not isinstance(value, dict):
        raise IdentityError(f"'{field}' takes a mapping of names to values")
    return value
