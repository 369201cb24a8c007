"""The shipped default mappings: all valid, and each right on a realistic payload."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from importlib import resources
from typing import Any

import pytest

from mapping import (
    MappingResult,
    available_defaults,
    default_mapping_text,
    load_default_mapping,
    validate_mapping,
)
from tests.mapping import samples

EXPECTED_DEFAULTS = [
    ("aircall", "activity"),
    ("aircall", "customer"),
    ("csvimport", "customer"),
    ("forms", "activity"),
    ("forms", "customer"),
    ("gmail", "activity"),
    ("mailchimp", "activity"),
    ("mailchimp", "customer"),
    ("outlook", "activity"),
    ("twilio", "activity"),
    ("zendesk", "activity"),
    ("zendesk", "customer"),
]
NOV_14 = datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)


def mapped(kind: str, target: str, payload: dict[str, Any]) -> MappingResult:
    return load_default_mapping(kind, target).apply(payload)


def test_every_connector_kind_ships_its_defaults() -> None:
    assert available_defaults() == EXPECTED_DEFAULTS


@pytest.mark.parametrize(("kind", "target"), EXPECTED_DEFAULTS)
def test_every_default_validates(kind: str, target: str) -> None:
    text = default_mapping_text(kind, target)
    assert text.startswith("# ")  # the comment telling the admin the payload shape
    assert validate_mapping(text) == []
    compiled = load_default_mapping(kind, target)
    assert compiled.target == target
    assert compiled.description


def test_defaults_are_package_data_files() -> None:
    folder = resources.files("mapping") / "defaults"
    assert (folder / "gmail.activity.yaml").is_file()


def test_unknown_default_is_a_lookup_error() -> None:
    with pytest.raises(LookupError, match="no default customer mapping for connector kind"):
        load_default_mapping("gmail", "customer")


def test_gmail_message() -> None:
    result = mapped("gmail", "activity", samples.GMAIL_MESSAGE)
    assert result.values == {
        "type": "email",
        "occurred_at": NOV_14,
        "direction": "inbound",
        "subject": "Signed order",
        "summary": "Hi Sam, here's the signed order & invoice",
        "external_id": "<CAF=abc123@mail.gmail.com>",
        "thread_id": "18c1f2a3b4c5d6e0",
        "participants": [
            {"email": "Jane.Doe@Example.com", "name": "Jane Doe", "role": "from"},
            {"email": "sam@ourcompany.test", "name": "Sam Rep", "role": "to"},
            {"email": "ops@ourcompany.test", "role": "to"},
            {"email": "bob@example.com", "name": "Bob", "role": "cc"},
        ],
    }
    assert result.warnings == ()


def test_gmail_sent_message_without_optional_headers() -> None:
    message = copy.deepcopy(samples.GMAIL_MESSAGE)
    message["labelIds"] = ["SENT"]
    message["payload"]["headers"] = [
        h for h in message["payload"]["headers"] if h["name"] not in ("Cc", "Message-Id")
    ]
    message["internalDate"] = None
    result = mapped("gmail", "activity", message)
    assert result.values["direction"] == "outbound"
    assert result.values["external_id"] == "18c1f2a3b4c5d6e7"
    assert result.values["occurred_at"] == NOV_14  # from the Date header
    assert [p["role"] for p in result.values["participants"]] == ["from", "to", "to"]
    assert result.warnings == ()


def test_outlook_message() -> None:
    result = mapped("outlook", "activity", samples.OUTLOOK_MESSAGE)
    assert result.values == {
        "type": "email",
        "occurred_at": datetime(2024, 3, 5, 9, 30, tzinfo=UTC),
        "direction": "outbound",
        "subject": "Proposal",
        "summary": "Please find the proposal attached.",
        "external_id": "<AM0PR01MB1234@eurprd01.prod.outlook.com>",
        "thread_id": "AAQkAGI2conv",
        "participants": [
            {"email": "sam@ourcompany.test", "name": "Sam Rep", "role": "from"},
            {"email": "jane.doe@example.com", "name": "Jane Doe", "role": "to"},
            {"email": "li.wei@example.org", "name": "Li Wei", "role": "to"},
        ],
    }
    assert result.warnings == ()


def test_twilio_completed_call() -> None:
    result = mapped("twilio", "activity", samples.TWILIO_COMPLETED)
    assert result.values == {
        "type": "call",
        "occurred_at": NOV_14,
        "direction": "outbound",
        "status": "completed",
        "duration_seconds": 42,
        "external_id": "CA1234567890ABCDE",
        "participants": [
            {"phone": "+12349013030", "role": "caller"},
            {"phone": "+18005551212", "role": "callee"},
        ],
    }
    assert result.warnings == ()


def test_twilio_ringing_callback_has_no_duration_and_no_warnings() -> None:
    ringing = {
        key: value
        for key, value in samples.TWILIO_COMPLETED.items()
        if key not in ("CallDuration", "SipResponseCode")
    }
    result = mapped("twilio", "activity", {**ringing, "CallStatus": "ringing"})
    assert result.values["status"] == "ringing"
    assert "duration_seconds" not in result.values
    assert result.complete
    assert result.warnings == ()


def test_aircall_call_as_activity() -> None:
    result = mapped("aircall", "activity", samples.AIRCALL_CALL)
    assert result.values == {
        "type": "call",
        "occurred_at": NOV_14,
        "direction": "inbound",
        "status": "done",
        "duration_seconds": 125,
        "external_id": "812345",
        "url": "https://api.aircall.io/v1/calls/812345",
        "summary": "Wants a quote\nCall back Friday",
        "participants": [
            {
                "phone": "+442079460958",
                "email": "Olivia@BrownCo.example",
                "name": "Olivia Brown",
                "role": "caller",
            },
            {"email": "sam@ourcompany.test", "name": "Sam Rep", "role": "callee"},
        ],
    }
    assert result.warnings == ()


def test_aircall_call_as_customer() -> None:
    result = mapped("aircall", "customer", samples.AIRCALL_CALL)
    assert result.values == {
        "given_name": "Olivia",
        "family_name": "Brown",
        "company_name": "Brown & Co",
        "emails": ["olivia@brownco.example"],
        "phones": ["+442079460958", "+447911123456"],
        "external_id": "4242",
    }
    assert result.warnings == ()


def test_aircall_missed_call_from_an_unknown_number() -> None:
    call = {
        **samples.AIRCALL_CALL,
        "contact": None,
        "missed_call_reason": "no_available_agent",
        "duration": 0,
        "comments": [],
    }
    activity = mapped("aircall", "activity", call)
    assert activity.values["status"] == "no_available_agent"
    assert activity.values["duration_seconds"] == 0
    assert activity.values["participants"][0] == {"phone": "+442079460958", "role": "caller"}
    assert activity.warnings == ()
    person = mapped("aircall", "customer", call)
    assert person.values == {"phones": ["+442079460958"]}
    assert person.warnings == ()


def test_mailchimp_subscribe_webhook_as_customer() -> None:
    result = mapped("mailchimp", "customer", samples.MAILCHIMP_SUBSCRIBE)
    assert result.values == {
        "emails": ["api@mailchimp.com"],
        "given_name": "Mailchimp",
        "family_name": "API",
        "lifecycle_stage": "lead",
        "tags": ["Group1", "Group2"],
        "lead_source": "mailchimp",
        "external_id": "api@mailchimp.com",
        "custom_fields": {"mailchimp_list_id": "a6b5da1054"},
    }
    assert result.warnings == ()


def test_mailchimp_member_as_customer() -> None:
    result = mapped("mailchimp", "customer", samples.MAILCHIMP_MEMBER)
    assert result.values == {
        "emails": ["kim@example.net"],
        "given_name": "Kim",
        "family_name": "Lee",
        "lifecycle_stage": "lead",
        "tags": ["VIP", "Webinar"],
        "lead_source": "mailchimp",
        "external_id": "kim@example.net",
        "custom_fields": {"mailchimp_list_id": "a6b5da1054"},
    }


def test_mailchimp_unsubscribe_does_not_touch_the_stage() -> None:
    event = {
        "type": "unsubscribe",
        "fired_at": "2009-03-26 21:40:57",
        "data": {
            "action": "unsub",
            "reason": "manual",
            "id": "8a25ff1d98",
            "email": "api@mailchimp.com",
            "campaign_id": "cb398d21d2",
        },
    }
    person = mapped("mailchimp", "customer", event)
    assert "lifecycle_stage" not in person.values
    activity = mapped("mailchimp", "activity", event)
    assert activity.values["subject"] == "Unsubscribed"
    assert activity.values["summary"] == "manual"
    assert activity.values["thread_id"] == "cb398d21d2"
    assert activity.values["direction"] == "inbound"


def test_mailchimp_subscribe_webhook_as_activity() -> None:
    result = mapped("mailchimp", "activity", samples.MAILCHIMP_SUBSCRIBE)
    assert result.values == {
        "type": "marketing",
        "occurred_at": datetime(2009, 3, 26, 21, 35, 57, tzinfo=UTC),
        "direction": "inbound",
        "status": "subscribe",
        "subject": "Subscribed",
        "external_id": "subscribe:8a25ff1d98:API@mailchimp.com:2009-03-26 21:35:57",
        "participants": [
            {"email": "api@mailchimp.com", "name": "Mailchimp API", "role": "subscriber"}
        ],
    }
    assert result.warnings == ()


def test_mailchimp_member_activity_item() -> None:
    result = mapped("mailchimp", "activity", samples.MAILCHIMP_OPEN)
    assert result.values == {
        "type": "marketing",
        "occurred_at": datetime(2024, 2, 1, 10, tzinfo=UTC),
        "direction": "inbound",
        "status": "open",
        "subject": "February newsletter",
        "external_id": "open:kim@example.net:c123:2024-02-01T10:00:00+00:00",
        "thread_id": "c123",
        "participants": [{"email": "kim@example.net", "role": "subscriber"}],
    }


def test_zendesk_ticket() -> None:
    result = mapped("zendesk", "activity", samples.ZENDESK_TICKET)
    assert result.values == {
        "type": "ticket",
        "occurred_at": datetime(2024, 1, 2, 10, tzinfo=UTC),
        "direction": "inbound",
        "subject": "Help, my printer is on fire!",
        "summary": "The fire is very colorful.",
        "status": "open",
        "url": "https://acme.zendesk.com/api/v2/tickets/35436.json",
        "external_id": "35436",
        "participants": [
            {"email": "paula@example.com", "name": "Paula Perez", "role": "requester"}
        ],
    }
    assert result.warnings == ()


def test_zendesk_user() -> None:
    result = mapped("zendesk", "customer", samples.ZENDESK_USER)
    assert result.values == {
        "full_name": "Paula Perez",
        "given_name": "Paula",
        "family_name": "Perez",
        "emails": ["paula@example.com"],
        "phones": ["+14155550132"],
        "company_name": "Acme Inc",
        "company_domains": ["acme.example", "acme.org"],
        "tags": ["vip", "emea"],
        "custom_fields": {"plan": "gold", "seats": 12},
        "external_id": "20978392",
    }
    assert result.warnings == ()


def test_web_form_as_customer_and_activity() -> None:
    person = mapped("forms", "customer", samples.FORM_LEAD)
    assert person.values == {
        "full_name": "Dr. Ana María García",
        "given_name": "Ana María",
        "family_name": "García",
        "emails": ["ana.garcia@example.es"],
        "phones": ["+34912345678"],
        "company_name": "García SL",
        "lifecycle_stage": "lead",
        "lead_source": "web form",
        "external_id": "sub_001",
    }
    assert person.warnings == ()
    activity = mapped("forms", "activity", samples.FORM_LEAD)
    assert activity.values == {
        "type": "form",
        "occurred_at": datetime(2024, 4, 1, 10, tzinfo=UTC),
        "direction": "inbound",
        "subject": "Contact us",
        "summary": "Please call me about pricing.",
        "url": "https://www.ourcompany.test/contact",
        "external_id": "sub_001",
        "participants": [
            {
                "email": "ana.garcia@example.es",
                "phone": "+34912345678",
                "name": "Dr. Ana María García",
                "role": "from",
            }
        ],
    }
    assert activity.warnings == ()


def test_minimal_web_form() -> None:
    form = {"id": "s2", "submitted_at": "2024-04-01T10:00:00Z", "email": "x@example.com"}
    person = mapped("forms", "customer", {**form, "utm_source": "newsletter"})
    assert person.values == {
        "emails": ["x@example.com"],
        "lifecycle_stage": "lead",
        "lead_source": "newsletter",
        "external_id": "s2",
    }
    activity = mapped("forms", "activity", form)
    assert activity.values["subject"] == "Web form"
    assert activity.complete
    assert activity.warnings == ()


def test_csv_row_with_canonical_headers() -> None:
    result = mapped("csvimport", "customer", samples.CSV_ROW)
    assert result.values == {
        "given_name": "Tom",
        "family_name": "Jones",
        "emails": ["tom@example.com", "tom.jones@work.example"],
        "phones": ["+1 415 555 0199"],
        "company_name": "Jones Ltd",
        "address": {
            "street": "1 Main St",
            "city": "Springfield",
            "postal_code": "12345",
            "region": "IL",
            "country": "US",
        },
        "birth_date": date(1980, 7, 15),
        "lifecycle_stage": "customer",
        "tags": ["vip", "newsletter"],
        "external_id": "crm-17",
    }
    assert result.warnings == ()


def test_csv_row_with_blank_and_bad_cells() -> None:
    row = {"given_name": "", "email": "not-an-email", "birth_date": "July 1980", "city": "Oslo"}
    result = mapped("csvimport", "customer", row)
    assert result.values == {"address": {"city": "Oslo"}}
    assert sorted((w.field, w.code) for w in result.warnings) == [
        ("birth_date", "bad_value"),
        ("emails[0]", "invalid"),
    ]
