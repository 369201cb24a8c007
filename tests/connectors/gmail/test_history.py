"""history.list: new mail shows up after the stored id; old ids answer 404 like Gmail."""

from __future__ import annotations

from typing import Any

import pytest
from googleapiclient.errors import HttpError

from connectors.gmail.emulator import GmailEmulator


def test_history_lists_messages_added_after_the_stored_id(
    gmail: GmailEmulator, account: str, service: Any
) -> None:
    start = service.users().getProfile(userId="me").execute()["historyId"]
    added = [gmail.add_message(account) for _ in range(3)]

    page = service.users().history().list(userId="me", startHistoryId=start).execute()

    listed = [h["messagesAdded"][0]["message"]["id"] for h in page["history"]]
    assert listed == added
    assert [int(h["id"]) for h in page["history"]] == sorted(int(h["id"]) for h in page["history"])
    assert int(page["historyId"]) == int(start) + 3
    assert "nextPageToken" not in page


def test_history_pages_and_filters_by_type(
    gmail: GmailEmulator, account: str, service: Any
) -> None:
    start = service.users().getProfile(userId="me").execute()["historyId"]
    added = [gmail.add_message(account) for _ in range(5)]
    gmail.organization.delete(account, added[0])
    history = service.users().history()

    seen: list[str] = []
    request = history.list(
        userId="me", startHistoryId=start, maxResults=2, historyTypes=["messageAdded"]
    )
    pages = 0
    while request is not None:
        page = request.execute()
        pages += 1
        seen.extend(h["messagesAdded"][0]["message"]["id"] for h in page.get("history", []))
        request = history.list_next(request, page)
    deleted = history.list(
        userId="me", startHistoryId=start, historyTypes=["messageDeleted"]
    ).execute()

    assert seen == added
    assert pages == 3
    assert [h["messagesDeleted"][0]["message"]["id"] for h in deleted["history"]] == [added[0]]


def test_expired_history_id_answers_404_once_per_expiry(
    gmail: GmailEmulator, account: str, service: Any
) -> None:
    stored = service.users().getProfile(userId="me").execute()["historyId"]
    gmail.add_message(account)
    gmail.expire_history(account)

    with pytest.raises(HttpError) as caught:
        service.users().history().list(userId="me", startHistoryId=stored).execute()
    fresh = service.users().getProfile(userId="me").execute()["historyId"]
    after_resync = service.users().history().list(userId="me", startHistoryId=fresh).execute()

    assert caught.value.status_code == 404
    assert "history" not in after_resync
    assert gmail.stats()["history_404"] == 1


def test_history_older_than_the_horizon_is_gone(gmail: GmailEmulator, service: Any) -> None:
    gmail.limits.history_max_age = 3600.0  # generated mail is older than an hour
    profile = service.users().getProfile(userId="me").execute()

    with pytest.raises(HttpError) as caught:
        service.users().history().list(userId="me", startHistoryId="1000001").execute()
    current = (
        service.users().history().list(userId="me", startHistoryId=profile["historyId"]).execute()
    )

    assert caught.value.status_code == 404
    assert current["historyId"] == profile["historyId"]


def test_forced_history_404_switch(gmail: GmailEmulator, service: Any) -> None:
    start = service.users().getProfile(userId="me").execute()["historyId"]
    gmail.faults.history_404_next = 1

    with pytest.raises(HttpError) as caught:
        service.users().history().list(userId="me", startHistoryId=start).execute()
    service.users().history().list(userId="me", startHistoryId=start).execute()

    assert caught.value.status_code == 404
    assert gmail.faults.history_404_next == 0
