"""The forms connector: reading posts, their dedupe keys, and what they map to."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from marshmallow import ValidationError

from connectors.base import UnusableEvent, WebhookRejected
from connectors.forms import FormsConnector, new_secret
from connectors.registry import connector_class
from tests.webhooks.inbound.senders import (
    FORM,
    LEAD,
    form_body,
    json_body,
    signed_request,
    token_request,
)

SECRET = new_secret("hmac")
TOKEN = new_secret("token")
MULTIPART_BODY = (
    b"--XyZ\r\n"
    b'Content-Disposition: form-data; name="name"\r\n\r\n'
    b"Grace Hopper\r\n"
    b"--XyZ\r\n"
    b'Content-Disposition: form-data; name="email"\r\n\r\n'
    b"grace@example.com\r\n"
    b"--XyZ\r\n"
    b'Content-Disposition: form-data; name="cv"; filename="cv.pdf"\r\n'
    b"Content-Type: application/pdf\r\n\r\n"
    b"%PDF-1.4 binary\r\n"
    b"--XyZ--\r\n"
)


def _forms(**settings: object) -> FormsConnector:
    return FormsConnector(settings)


def test_the_registry_knows_the_forms_connector() -> None:
    cls = connector_class("forms")
    assert cls is FormsConnector
    assert (cls.auth_kind, cls.takes_webhooks()) == ("webhook_secret", True)


def test_a_signed_json_post_is_keyed_by_its_webhook_id() -> None:
    request = signed_request(SECRET, json_body(), msg_id="msg_42")
    event = _forms().parse_webhook(request)
    assert (event.dedupe_key, event.event_type) == ("msg_42", "form.submitted")
    assert event.payload["email"] == "Ada@Example.com"
    assert event.payload["received_at"] == request.received_at.isoformat()
    assert event.payload["submitted_at"] == request.received_at.isoformat()
    assert event.payload["id"].startswith("form-")


def test_a_form_post_without_id_is_keyed_by_its_bytes() -> None:
    connector = _forms(auth="token")
    first = connector.parse_webhook(token_request(TOKEN, form_body()))
    again = connector.parse_webhook(token_request(TOKEN, form_body()))
    other = connector.parse_webhook(token_request(TOKEN, form_body({**LEAD, "name": "Ada L."})))
    assert first.dedupe_key == again.dedupe_key
    assert first.dedupe_key.startswith("sha256:")
    assert other.dedupe_key != first.dedupe_key
    assert first.payload["id"] == again.payload["id"]  # the same external id on a resend


def test_a_submission_id_keys_the_post_and_names_the_records() -> None:
    connector = _forms(auth="token", submission_id_field="entry")
    body = form_body({**LEAD, "entry": "8812"})
    resent = form_body({**LEAD, "entry": "8812", "message": "edited"})
    event = connector.parse_webhook(token_request(TOKEN, body))
    assert event.dedupe_key == "submission:8812"
    assert connector.parse_webhook(token_request(TOKEN, resent)).dedupe_key == event.dedupe_key
    assert event.payload["id"] == "8812"


def test_multipart_posts_keep_their_text_fields_only() -> None:
    request = token_request(TOKEN, MULTIPART_BODY, "multipart/form-data; boundary=XyZ")
    payload = _forms(auth="token").parse_webhook(request).payload
    assert (payload["name"], payload["email"]) == ("Grace Hopper", "grace@example.com")
    assert "cv" not in payload


def test_a_repeated_form_field_becomes_a_list() -> None:
    request = token_request(TOKEN, b"email=a%40example.com&interest=x&interest=y")
    assert _forms().parse_webhook(request).payload["interest"] == ["x", "y"]


@pytest.mark.parametrize(
    ("body", "content_type", "status", "reason"),
    [
        (b'{"name": "Ada"', "application/json", 400, "the body is not valid JSON"),
        (b"[1, 2]", "application/json", 400, "the JSON body must be an object"),
        (b"", "application/json", 400, "the body is not valid JSON"),
        (b"\xff\xfe=1", FORM, 400, "the body is not UTF-8 text"),
        (b"", FORM, 400, "the form post has no fields"),
        (b'{"a": ' * 40 + b"1" + b"}" * 40, "application/json", 400, "nests deeper than 32"),
        (b"name=Ada", "text/plain", 415, "a form post is application/json"),
        (b"--x\r\n", "multipart/form-data", 400, "the multipart body has no boundary"),
    ],
)
def test_unreadable_posts_are_refused_with_their_reason(
    body: bytes, content_type: str, status: int, reason: str
) -> None:
    with pytest.raises(WebhookRejected) as caught:
        _forms(auth="token").parse_webhook(token_request(TOKEN, body, content_type))
    assert caught.value.status == status
    assert reason in caught.value.reason


def test_an_overlong_webhook_id_is_refused() -> None:
    request = signed_request(SECRET, json_body(), msg_id="m" * 201)
    with pytest.raises(WebhookRejected) as caught:
        _forms().parse_webhook(request)
    assert caught.value.status == 400


def test_a_token_source_refuses_signed_posts_without_the_secret_and_vice_versa() -> None:
    with pytest.raises(WebhookRejected) as caught:
        _forms(auth="token").verify_webhook(signed_request(SECRET, json_body()), TOKEN)
    assert caught.value.status == 401
    signed = signed_request(SECRET, json_body())
    with pytest.raises(WebhookRejected) as caught:
        _forms(auth="hmac").verify_webhook(replace(signed, path_secret=SECRET), SECRET)
    assert caught.value.status == 401
    _forms(auth="hmac").verify_webhook(signed, SECRET)


def test_a_lead_maps_to_a_customer_and_a_form_activity() -> None:
    connector = _forms(auth="token")
    event = connector.parse_webhook(token_request(TOKEN, form_body()))
    mapped = connector.map_webhook(event)
    assert mapped.customer is not None
    assert mapped.customer.external_id == event.payload["id"]
    assert mapped.customer.raw == event.payload
    person = mapped.customer.mapped
    assert (person["given_name"], person["family_name"]) == ("Ada", "Lovelace")
    assert (person["emails"], person["phones"]) == (["ada@example.com"], ["+442079460958"])
    assert (person["company_name"], person["lifecycle_stage"]) == ("Analytical Engines", "lead")
    activity = mapped.activity
    assert activity is not None
    assert (activity["type"], activity["direction"], activity["subject"]) == (
        "form",
        "inbound",
        "Contact us",
    )
    assert activity["summary"] == LEAD["message"]
    assert activity["external_id"] == event.payload["id"]
    assert activity["participants"][0]["email"] == "ada@example.com"


def test_the_default_region_reads_national_phone_numbers() -> None:
    body = form_body({"name": "Ada", "phone": "020 7946 0958"})
    without = _forms(auth="token")
    with_region = _forms(auth="token", default_region="gb")
    assert with_region.settings["default_region"] == "GB"
    event = without.parse_webhook(token_request(TOKEN, body))
    assert "phones" not in without.map_webhook(event).customer.mapped
    assert with_region.map_webhook(event).customer.mapped["phones"] == ["+442079460958"]


def test_a_custom_mapping_replaces_the_default() -> None:
    mapping = "version: 1\ntarget: customer\nfields:\n  emails: {from: contact.mail}\n"
    connector = _forms(customer_mapping=mapping)
    event = connector.parse_webhook(
        signed_request(SECRET, json_body({"contact": {"mail": "x@example.com"}}))
    )
    mapped = connector.map_webhook(event)
    assert mapped.customer.mapped["emails"] == ["x@example.com"]


def test_a_post_that_names_nobody_cannot_be_used() -> None:
    connector = _forms(auth="token")
    event = connector.parse_webhook(token_request(TOKEN, form_body({"message": "hello"})))
    with pytest.raises(UnusableEvent) as caught:
        connector.map_webhook(event)
    assert str(caught.value).startswith("nothing identifies a person")


def test_a_bad_submitted_at_leaves_the_activity_without_a_time() -> None:
    connector = _forms(auth="token")
    event = connector.parse_webhook(
        token_request(TOKEN, form_body({**LEAD, "submitted_at": "not a date"}))
    )
    with pytest.raises(UnusableEvent) as caught:
        connector.map_webhook(event)
    assert "the activity mapping gave no occurred_at" in str(caught.value)


@pytest.mark.parametrize(
    "settings",
    [
        {"auth": "password"},
        {"default_region": "GBR"},
        {"customer_mapping": "version: 1\ntarget: customer\nfields:\n  surname: x\n"},
        {"activity_mapping": "version: 1\ntarget: customer\nfields:\n  emails: x\n"},
    ],
)
def test_bad_settings_are_refused_whole(settings: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        FormsConnector(settings)


def test_received_time_is_the_activity_time_when_the_form_gives_none() -> None:
    connector = _forms(auth="token")
    request = replace(
        token_request(TOKEN, form_body()), received_at=datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    )
    activity = connector.map_webhook(connector.parse_webhook(request)).activity
    assert activity["occurred_at"].startswith("2024-05-01T12:00:00")
