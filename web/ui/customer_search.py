"""Finding customers from one search box: an email, a phone number, an id or words.

An email or a phone number is normalized the way identity resolution normalizes it and
looked up among the identity keys, so "ANN@Example.com" or "+44 20 7946 0958" find the
customer whichever tool spelled it how. Anything else matches names and companies as
case-insensitive substrings; the folded name and company keys make that work for
accented letters on SQLite as well, whose lower() only knows ASCII.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from core.models import Customer, IdentityKey, SourceRecord
from core.normalize import normalize_email, normalize_phone, tail
from core.normalize.text import collapse_spaces, fold
from web.pagination import Paged

MAX_QUERY = 200
MIN_PHONE_DIGITS = 7
TEXT_KEY_KINDS = ("f_given", "f_family", "f_company")
_PHONE_CHARS = re.compile(r"^[\d\s+().\-/]+$")
_ID = re.compile(r"^#?(\d{1,9})$")


@dataclass(frozen=True)
class SearchQuery:
    """A normalized query; ``kind`` says how it is matched."""

    text: str
    kind: str  # "all", "id", "email", "phone", "words"
    email: str = ""  # the normalized address, or the fragment typed
    email_key: str = ""  # identity key, when the address is complete
    phone_e164: str = ""
    phone_tail: str = ""
    customer_id: int | None = None
    words: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class CustomerRow:
    id: int
    name: str
    email: str | None
    phone: str | None
    company: str
    sources: int
    updated_at: object


@dataclass(frozen=True)
class CustomerListing(Paged):
    rows: list[CustomerRow]
    query: SearchQuery
    page: int
    per_page: int
    total: int


def parse_query(raw: str | None) -> SearchQuery:
    """Decide what the person typed: an id, an email, a phone number, or words."""
    text = collapse_spaces(raw or "")[:MAX_QUERY]
    if not text:
        return SearchQuery("", "all")
    if found := _ID.match(text):
        return SearchQuery(text, "id", customer_id=int(found.group(1)))
    if "@" in text and " " not in text:
        return _email_query(text)
    digits = sum(ch.isdigit() for ch in text)
    if _PHONE_CHARS.match(text) and digits >= MIN_PHONE_DIGITS:
        return _phone_query(text)
    return SearchQuery(text, "words", words=tuple(text.casefold().split(" ")))


def search_customers(
    session: Session, query: SearchQuery, page: int = 1, per_page: int = 25, exclude: int = 0
) -> CustomerListing:
    """Active customers matching the query, most recently updated first."""
    where = and_(Customer.merged_into_id.is_(None), Customer.id != exclude, _condition(query))
    total = session.scalar(select(func.count(Customer.id)).where(where)) or 0
    customers = session.scalars(
        select(Customer)
        .where(where)
        .order_by(Customer.updated_at.desc(), Customer.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    sources = _source_counts(session, [customer.id for customer in customers])
    rows = [_row(customer, sources.get(customer.id, 0)) for customer in customers]
    return CustomerListing(rows, query, page, per_page, total)


def _email_query(text: str) -> SearchQuery:
    result = normalize_email(text)
    if result.valid and result.normalized:
        return SearchQuery(text, "email", email=result.normalized, email_key=result.match_key or "")
    return SearchQuery(text, "email", email=text.casefold())


def _phone_query(text: str) -> SearchQuery:
    """A full international number matches exactly; a national one by its last digits."""
    result = normalize_phone(text)
    if result.valid and result.e164:
        return SearchQuery(text, "phone", phone_e164=result.e164)
    digits = "".join(ch for ch in text if ch.isdigit())
    return SearchQuery(text, "phone", phone_tail=tail(digits) or "")


def _condition(query: SearchQuery) -> ColumnElement[bool]:
    if query.kind == "id":
        return Customer.id == query.customer_id
    if query.kind == "email":
        return _email_condition(query)
    if query.kind == "phone":
        return _phone_condition(query)
    if query.kind == "words":
        return and_(*(_word_condition(word) for word in query.words))
    return Customer.id.is_not(None)


def _email_condition(query: SearchQuery) -> ColumnElement[bool]:
    if query.email_key:
        return or_(
            Customer.primary_email == query.email,
            Customer.id.in_(_keyed("email", IdentityKey.value == query.email_key)),
        )
    pattern = _contains(query.email)
    return or_(
        func.lower(Customer.primary_email).like(pattern, escape="\\"),
        Customer.id.in_(_keyed("email", IdentityKey.value.like(pattern, escape="\\"))),
    )


def _phone_condition(query: SearchQuery) -> ColumnElement[bool]:
    if query.phone_e164:
        return or_(
            Customer.primary_phone == query.phone_e164,
            Customer.id.in_(_keyed("phone", IdentityKey.value == query.phone_e164)),
        )
    return Customer.id.in_(_keyed("phone_tail", IdentityKey.value == query.phone_tail))


def _word_condition(word: str) -> ColumnElement[bool]:
    """A word is inside the name, or inside a folded given, family or company key."""
    folded = fold(word)
    keys = select(IdentityKey.customer_id).where(
        IdentityKey.kind.in_(TEXT_KEY_KINDS),
        IdentityKey.value.like(_contains(folded), escape="\\"),
    )
    return or_(
        func.lower(Customer.full_name).like(_contains(word), escape="\\"),
        Customer.id.in_(keys) if folded else Customer.id.is_(None),
    )


def _keyed(kind: str, value_condition: ColumnElement[bool]) -> Select[tuple[int | None]]:
    return select(IdentityKey.customer_id).where(IdentityKey.kind == kind, value_condition)


def _contains(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _source_counts(session: Session, customer_ids: list[int]) -> dict[int, int]:
    if not customer_ids:
        return {}
    rows = session.execute(
        select(SourceRecord.customer_id, func.count(SourceRecord.id))
        .where(SourceRecord.customer_id.in_(customer_ids))
        .group_by(SourceRecord.customer_id)
    )
    return dict(rows.all())


def _row(customer: Customer, sources: int) -> CustomerRow:
    company = ((customer.golden or {}).get("company_name") or {}).get("value") or ""
    return CustomerRow(
        id=customer.id,
        name=customer.full_name,
        email=customer.primary_email,
        phone=customer.primary_phone,
        company=str(company),
        sources=sources,
        updated_at=customer.updated_at,
    )
