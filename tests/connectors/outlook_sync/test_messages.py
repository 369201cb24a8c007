"""Graph message JSON as an EmailMessage."""

from __future__ import annotations

from datetime import UTC, datetime

from connectors.outlook.messages import is_removed, to_email_message

ITEM = {
    "id": "AAMk1",
    "internetMessageId": " <abc@example.com> ",
    "conversationId": "AAQk9",
    "sentDateTime": "2024-05-01T10:00:00Z",
    "receivedDateTime": "2024-05-01T10:00:05Z",
    "subject": "Quote",
    "bodyPreview": "Hello there",
    "from": {"emailAddress": {"name": "Ann Lee", "address": "Ann@Example.com"}},
    "toRecipients": [{"emailAddress": {"name": "Rep", "address": "rep@brightwave.io"}}],
    "ccRecipients": [{"emailAddress": {"name": "", "address": "not an address"}}],
    "internetMessageHeaders": [
        {"name": "List-Unsubscribe", "value": "<mailto:u@example.com>"},
        {"name": "From", "value": "Ann Lee <ann@example.com>"},
    ],
}


def test_fields_map_to_the_rules_message() -> None:
    message = to_email_message(ITEM)

    assert message.provider_id == "AAMk1"
    assert message.message_id == "<abc@example.com>"
    assert message.thread_id == "AAQk9"
    assert message.sent_at == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    assert message.sender is not None
    assert message.sender.email == "ann@example.com"
    assert message.sender.name == "Ann Lee"
    assert [a.email for a in message.to] == ["rep@brightwave.io"]
    assert message.cc == ()  # an unusable address is dropped, not fatal
    assert message.snippet == "Hello there"
    assert message.headers == {"list-unsubscribe": "<mailto:u@example.com>"}


def test_received_time_serves_when_sent_time_is_missing() -> None:
    message = to_email_message({"id": "x", "receivedDateTime": "2024-05-02T08:30:00Z"})

    assert message.sent_at == datetime(2024, 5, 2, 8, 30, tzinfo=UTC)
    assert message.sender is None
    assert message.activity_key == "provider:x"


def test_removed_entries_are_recognised() -> None:
    assert is_removed({"id": "x", "@removed": {"reason": "deleted"}})
    assert not is_removed(ITEM)
