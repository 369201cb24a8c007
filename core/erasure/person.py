"""Who is being erased: the customer, every customer merged into it, and their records.

A merged-away id is refused rather than followed to its survivor: erasure cannot be
undone, and the survivor may hold records of someone else when the merge was a
mistake, so the caller must name the customer that will actually disappear.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.erasure.traces import MIN_EXTERNAL_ID, Traces
from core.identity import CustomerNotFound
from core.identity.features import extract
from core.identity.suppressed import external_key
from core.models import Customer, IdentityKey, SourceRecord
from core.records import normal
from core.records.errors import IdentityError

MAX_CHAIN = 10_000  # merge chains are short; the bound only stops a corrupt cycle
NAME_FIELDS = ("full_name", "given_name", "family_name")


class ErasureRefused(IdentityError):
    """The id names a customer that was merged into another; erase the survivor instead."""

    def __init__(self, customer_id: int, survivor_id: int) -> None:
        super().__init__(
            f"customer {customer_id} was merged into customer {survivor_id}; "
            f"erase customer {survivor_id} to erase this person, "
            "or undo the merge first if they are not the same person"
        )
        self.customer_id = customer_id
        self.survivor_id = survivor_id


@dataclass
class Person:
    customer_id: int
    customer_ids: list[int]
    record_ids: list[int] = field(default_factory=list)
    externals: set[tuple[int, str]] = field(default_factory=set)  # (connector, external id)
    emails: set[str] = field(default_factory=set)  # personal match keys
    phones: set[str] = field(default_factory=set)  # E.164
    names: set[str] = field(default_factory=set)  # full names, as written
    name_words: set[str] = field(default_factory=set)
    other_texts: set[str] = field(default_factory=set)  # emails and phones as written

    def lock_keys(self) -> list[str]:
        """The keys ingestion locks for the same person (core.identity.pending)."""
        own = [f"external:{connector}:{external}" for connector, external in self.externals]
        return own + [f"email:{e}" for e in self.emails] + [f"phone:{p}" for p in self.phones]

    def identity_keys(self) -> list[tuple[str, str]]:
        """(kind, normalized value) pairs, the form suppressions are hashed from."""
        keys = [("external", external_key(c, e)) for c, e in self.externals]
        return keys + [("email", e) for e in self.emails] + [("phone", p) for p in self.phones]

    def without_shared(self, shared: set[tuple[str, str]]) -> None:
        """Keys distinct people share (a switchboard) are neither suppressed nor blanked."""
        self.emails -= {value for kind, value in shared if kind == "email"}
        self.phones -= {value for kind, value in shared if kind == "phone"}
        self.other_texts = {t for t in self.other_texts if _key_of(t) not in shared}

    def traces(self) -> Traces:
        strong = {*self.emails, *self.names, *self.other_texts}
        strong |= {e for _, e in self.externals if len(e) >= MIN_EXTERNAL_ID}
        return Traces(strong, self.name_words, self.phones)


def find_person(session: Session, customer_id: int) -> Person:
    """The person behind an active customer id, read in the caller's transaction."""
    customer = session.get(Customer, customer_id, populate_existing=True)
    if customer is None:
        raise CustomerNotFound(customer_id)
    if customer.merged_into_id is not None:
        raise ErasureRefused(customer_id, customer.merged_into_id)
    person = Person(customer_id, _merged_family(session, customer_id))
    _add_records(session, person)
    _add_customers(session, person)
    return person


def _merged_family(session: Session, customer_id: int) -> list[int]:
    """The customer and everything merged into it, directly or through another loser."""
    family, frontier = {customer_id}, [customer_id]
    while frontier and len(family) < MAX_CHAIN:
        query = select(Customer.id).where(Customer.merged_into_id.in_(frontier))
        frontier = [i for i in session.scalars(query) if i not in family]
        family.update(frontier)
    return sorted(family)


def _add_records(session: Session, person: Person) -> None:
    query = select(SourceRecord).where(SourceRecord.customer_id.in_(person.customer_ids))
    for record in session.scalars(query.order_by(SourceRecord.id)):
        person.record_ids.append(record.id)
        person.externals.add((record.connector_id, record.external_id))
        _add_mapped(person, record.mapped)
        features = record.match_features or {}
        person.emails.update(features.get("emails") or [])
        person.phones.update(features.get("phones") or [])
    if person.record_ids:
        keys = select(IdentityKey.kind, IdentityKey.value).where(
            IdentityKey.source_record_id.in_(person.record_ids),
            IdentityKey.kind.in_(("email", "phone")),
        )
        for kind, value in session.execute(keys):
            (person.emails if kind == "email" else person.phones).add(value)


def _add_customers(session: Session, person: Person) -> None:
    """Golden and pinned values too: a pinned email may be in no source record."""
    for customer in session.scalars(select(Customer).where(Customer.id.in_(person.customer_ids))):
        values = {name: entry.get("value") for name, entry in (customer.golden or {}).items()}
        values.update({n: p.get("value") for n, p in (customer.pinned or {}).items()})
        values.setdefault("full_name", customer.full_name)
        _add_mapped(person, values)
        person.other_texts.update(t for t in (customer.primary_email, customer.primary_phone) if t)


def _add_mapped(person: Person, mapped: dict[str, Any]) -> None:
    """Names, emails and phones of one canonical customer dict, as written and normalized."""
    features = extract(mapped)
    person.emails.update(features.emails)
    person.phones.update(features.phones)
    person.other_texts.update(_texts(mapped.get("phones")))
    for raw in _texts(mapped.get("emails")):
        result = normal.email(raw)
        if result.valid and not result.is_role:  # a shared mailbox names nobody
            person.other_texts.update(t for t in (raw, result.normalized, result.match_key) if t)
    names = {name: " ".join(_texts(mapped.get(name))) for name in NAME_FIELDS}
    combined = f"{names['given_name']} {names['family_name']}".strip()
    person.names.update(n for n in (names["full_name"], combined) if " " in n.strip())
    for text in names.values():
        person.name_words.update(text.split())


def _texts(value: Any) -> list[str]:
    """A field's strings: one, a list of them, or a list of {"value": ...} items."""
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, list | tuple):
        items: Iterable[Any] = (v.get("value") if isinstance(v, dict) else v for v in value)
        return [v.strip() for v in items if isinstance(v, str) and v.strip()]
    return []


def _key_of(text: str) -> tuple[str, str] | None:
    email = normal.email(text)
    if email.valid and email.match_key:
        return ("email", email.match_key)
    phone = normal.phone(text, None)
    return ("phone", phone.e164) if phone.valid and phone.e164 else None
