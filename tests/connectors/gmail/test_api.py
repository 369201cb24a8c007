"""The real googleapiclient against the emulator: list, page, get, profile, history, watch."""

from __future__ import annotations

import time
from typing import Any

import pytest
from googleapiclient.errors import HttpError

from connectors.gmail.emulator import GmailEmulator


def _all_ids(service: Any, **params: Any) -> list[str]:
    ids: list[str] = []
    request = service.users().messages().list(userId="me", maxResults=500, **params)
    while request is not None:
        page = request.execute()
        ids.extend(item["id"] for item in page.get("messages", []))
        request = service.users().messages().list_next(request, page)
    return ids


def test_listing_pages_through_every_message_once(
    gmail: GmailEmulator, account: str, service: Any
) -> None:
    first = service.users().messages().list(userId="me", maxResults=100).execute()
    assert len(first["messages"]) == 100
    assert set(first["messages"][0]) == {"id", "threadId"}
    assert "nextPageToken" in first

    ids = _all_ids(service)

    assert len(ids) == len(set(ids)) == 600
    assert set(ids) == gmail.organization.truth()[account].keys


def test_max_results_is_capped_at_500(service: Any) -> None:
    page = service.users().messages().list(userId="me", maxResults=5000).execute()
    assert len(page["messages"]) == 500


def test_after_and_newer_than_bound_the_backfill_window(
    gmail: GmailEmulator, account: str, service: Any
) -> None:
    entries = list(gmail.organization.mailbox(account).newest_first())
    cutoff_ms = entries[len(entries) // 2].message.date_ms
    expected = {e.key for e in entries if e.message.date_ms >= cutoff_ms // 1000 * 1000}

    assert set(_all_ids(service, q=f"after:{cutoff_ms // 1000}")) == expected
    recent = time.time() - 30 * 86400
    expected_recent = {e.key for e in entries if e.message.date_ms >= recent * 1000}
    assert set(_all_ids(service, q="newer_than:30d")) == expected_recent
    assert 0 < len(expected_recent) < len(entries)


def test_label_ids_and_folders_filter(gmail: GmailEmulator, account: str, service: Any) -> None:
    truth = gmail.organization.truth()[account]

    assert len(_all_ids(service, labelIds=["SENT"])) == truth.sent
    assert len(_all_ids(service, q="in:inbox")) == truth.inbox
    assert len(_all_ids(service, q="-in:sent")) == truth.inbox


def test_unsupported_search_terms_are_refused(service: Any) -> None:
    with pytest.raises(HttpError) as caught:
        service.users().messages().list(userId="me", q="invoice").execute()
    assert caught.value.status_code == 400


def test_get_metadata_returns_the_requested_headers(
    gmail: GmailEmulator, account: str, service: Any
) -> None:
    entry = next(gmail.organization.mailbox(account).newest_first())
    message = (
        service.users()
        .messages()
        .get(
            userId="me",
            id=entry.key,
            format="metadata",
            metadataHeaders=["From", "To", "Subject", "Message-ID"],
        )
        .execute()
    )
    headers = {h["name"]: h["value"] for h in message["payload"]["headers"]}
    assert set(headers) <= {"From", "To", "Subject", "Message-ID"}
    assert headers["Message-ID"] == entry.message.message_id
    assert headers["Subject"] == entry.message.subject
    assert message["internalDate"] == str(entry.message.date_ms)
    assert int(message["historyId"]) > 0
    assert message["labelIds"]


def test_get_formats_minimal_full_and_raw(gmail: GmailEmulator, account: str, service: Any) -> None:
    entry = next(gmail.organization.mailbox(account).newest_first())
    messages = service.users().messages()

    minimal = messages.get(userId="me", id=entry.key, format="minimal").execute()
    full = messages.get(userId="me", id=entry.key, format="full").execute()
    raw = messages.get(userId="me", id=entry.key, format="raw").execute()

    assert "payload" not in minimal
    assert full["payload"]["body"]["data"]
    assert {h["name"] for h in full["payload"]["headers"]} >= {"From", "Date", "Message-ID"}
    assert raw["raw"]


def test_unknown_message_is_404(service: Any) -> None:
    with pytest.raises(HttpError) as caught:
        service.users().messages().get(userId="me", id="0000000000000000").execute()
    assert caught.value.status_code == 404


def test_profile_counts_and_history_id(gmail: GmailEmulator, account: str, service: Any) -> None:
    profile = service.users().getProfile(userId="me").execute()

    mailbox = gmail.organization.mailbox(account)
    assert profile["emailAddress"] == account
    assert profile["messagesTotal"] == 600
    assert 0 < profile["threadsTotal"] <= 600
    assert int(profile["historyId"]) == 1_000_000 + mailbox.seq


def test_another_users_mailbox_is_refused(gmail: GmailEmulator, service: Any) -> None:
    other = list(gmail.mailboxes)[1]
    with pytest.raises(HttpError) as caught:
        service.users().messages().list(userId=other).execute()
    assert caught.value.status_code == 403


def test_watch_and_stop(gmail: GmailEmulator, account: str, service: Any) -> None:
    answer = (
        service.users()
        .watch(userId="me", body={"topicName": "projects/p/topics/gmail", "labelIds": ["INBOX"]})
        .execute()
    )
    assert int(answer["expiration"]) > time.time() * 1000
    assert int(answer["historyId"]) > 0
    assert account in gmail.state.watches

    service.users().stop(userId="me").execute()

    assert account not in gmail.state.watches


def test_watch_without_topic_is_refused(service: Any) -> None:
    with pytest.raises(HttpError) as caught:
        service.users().watch(userId="me", body={}).execute()
    assert caught.value.status_code == 400
