"""The canonical schemas: what they accept, what they refuse, and that errors name the field."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from marshmallow import ValidationError

from core.models import ACTIVITY_TYPES as STORED_ACTIVITY_TYPES
from mapping import ACTIVITY_TYPES, ActivitySchema, CustomerSchema, ParticipantSchema
from mapping.targets import ACTIVITY_FIELDS, CUSTOMER_FIELDS, PARTICIPANT_FIELDS

CUSTOMER = {
    "given_name": "Jane",
    "family_name": "Doe",
    "full_name": "Jane Doe",
    "emails": ["jane@example.com"],
    "phones": ["+14155550132"],
    "company_name": "Acme",
    "company_domains": ["acme.example"],
    "job_title": "CTO",
    "address": {"street": "1 Main St", "city": "Springfield", "postal_code": "12345"},
    "birth_date": "1980-07-15",
    "lifecycle_stage": "customer",
    "owner": "sam@ourcompany.test",
    "lead_source": "web form",
    "tags": ["vip"],
    "custom_fields": {"plan": "gold", "seats": 12, "trial": False, "score": 0.5},
    "external_id": "crm-1",
}

ACTIVITY = {
    "type": "call",
    "occurred_at": "2024-01-02T10:00:00+00:00",
    "direction": "inbound",
    "subject": "Call",
    "summary": "Talked",
    "participants": [{"phone": "+14155550132", "role": "caller", "name": "Jane"}],
    "duration_seconds": 42,
    "status": "completed",
    "url": "https://example.com/calls/1",
    "external_id": "CA1",
    "thread_id": "T1",
}


def errors(schema: Any, data: dict[str, Any]) -> Any:
    with pytest.raises(ValidationError) as raised:
        schema.load(data)
    return raised.value.messages


def test_a_full_customer_loads() -> None:
    loaded = CustomerSchema().load(CUSTOMER)
    assert loaded["birth_date"] == date(1980, 7, 15)
    assert loaded["custom_fields"]["seats"] == 12


def test_a_full_activity_loads() -> None:
    loaded = ActivitySchema().load(ACTIVITY)
    assert loaded["occurred_at"] == datetime(2024, 1, 2, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("lifecycle_stage", "vip"),
        ("emails", ["not-an-email"]),
        ("owner", "sam"),
        ("birth_date", "15/07/1980"),
        ("custom_fields", {"nested": {"a": 1}}),
        ("custom_fields", {"list": [1]}),
        ("tags", [""]),
        ("address", {"zip": "12345"}),
        ("full_name", "x" * 301),
    ],
)
def test_customer_errors_name_the_field(field: str, value: Any) -> None:
    assert list(errors(CustomerSchema(), {**CUSTOMER, field: value})) == [field]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("type", "fax"),
        ("direction", "sideways"),
        ("occurred_at", "2024-01-02T10:00:00"),  # naive: refused
        ("duration_seconds", -1),
        ("duration_seconds", "42"),  # strict: the mapping turns text into a number first
        ("url", "javascript:alert(1)"),
        ("external_id", ""),
        ("status", "x" * 33),
        ("participants", [{"role": "caller"}]),
        ("participants", [{"email": "a@example.com", "role": "boss"}]),
        ("participants", [{"email": "a@example.com"}]),
    ],
)
def test_activity_errors_name_the_field(field: str, value: Any) -> None:
    assert list(errors(ActivitySchema(), {**ACTIVITY, field: value})) == [field]


@pytest.mark.parametrize("field", ["type", "occurred_at", "external_id"])
def test_activity_requires_type_time_and_id(field: str) -> None:
    data = {key: value for key, value in ACTIVITY.items() if key != field}
    assert errors(ActivitySchema(), data) == {field: ["Missing data for required field."]}


def test_participant_needs_an_email_or_a_phone() -> None:
    assert errors(ParticipantSchema(), {"role": "to", "name": "Jane"}) == {
        "_schema": ["A participant needs an email or a phone."]
    }


def test_the_field_table_matches_the_schemas() -> None:
    assert set(CUSTOMER_FIELDS) == set(CustomerSchema().fields)
    assert set(ACTIVITY_FIELDS) == set(ActivitySchema().fields)
    assert set(PARTICIPANT_FIELDS) == set(ParticipantSchema().fields)


def test_activity_types_are_the_stored_ones() -> None:
    assert tuple(ACTIVITY_TYPES) == tuple(STORED_ACTIVITY_TYPES)
    assert set(ACTIVITY_TYPES) == {
        "email", "call", "meeting", "sms", "marketing", "ticket", "form", "note",
    }  # fmt: skip
