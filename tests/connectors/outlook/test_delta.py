"""Delta queries on inbox and sent items: pages, delta links, new mail, deletions, 410."""

from __future__ import annotations

from typing import Any

import requests

from connectors.outlook.emulator import OutlookEmulator

SELECT = "id,receivedDateTime,subject,internetMessageId,from,toRecipients,ccRecipients"


def sync(
    graph: requests.Session, url: str, page_size: int = 50
) -> tuple[list[dict[str, Any]], str, int]:
    """Follow nextLinks to the deltaLink; returns (items, deltaLink, pages)."""
    items: list[dict[str, Any]] = []
    pages = 0
    while True:
        answer = graph.get(url, headers={"Prefer": f"odata.maxpagesize={page_size}"})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        pages += 1
        items.extend(body["value"])
        if "@odata.deltaLink" in body:
            return items, body["@odata.deltaLink"], pages
        url = body["@odata.nextLink"]


def test_initial_delta_pages_inbox_and_sent_items_completely(
    outlook: OutlookEmulator, graph: requests.Session, account: str
) -> None:
    base = f"{outlook.graph_url}/users/{account}/mailFolders"
    truth = outlook.organization.truth()[account]

    inbox, inbox_link, pages = sync(graph, f"{base}/inbox/messages/delta?$select={SELECT}")
    sent, sent_link, _ = sync(graph, f"{base}/sentitems/messages/delta?$select={SELECT}")

    assert len(inbox) == truth.inbox
    assert len(sent) == truth.sent
    assert pages >= truth.inbox // 50
    ids = {item["internetMessageId"] for item in inbox + sent}
    assert ids == truth.message_ids
    assert set(inbox[0]) >= {"id", "subject", "from", "toRecipients", "receivedDateTime"}
    assert "bodyPreview" not in inbox[0]
    assert inbox_link.startswith(f"{base}/inbox/messages/delta?$deltatoken=")
    assert sent_link.startswith(outlook.graph_url)


def test_default_page_size_and_preference_applied(
    outlook: OutlookEmulator, graph: requests.Session, account: str
) -> None:
    url = f"{outlook.graph_url}/users/{account}/mailFolders/inbox/messages/delta"

    default = graph.get(url)
    sized = graph.get(url, headers={"Prefer": "odata.maxpagesize=25"})

    assert len(default.json()["value"]) == 10
    assert len(sized.json()["value"]) == 25
    assert sized.headers["Preference-Applied"] == "odata.maxpagesize=25"


def test_second_round_returns_only_new_and_removed_messages(
    outlook: OutlookEmulator, graph: requests.Session, account: str
) -> None:
    url = f"{outlook.graph_url}/users/{account}/mailFolders/inbox/messages/delta?$select={SELECT}"
    first, link, _ = sync(graph, url)
    added = [outlook.add_message(account) for _ in range(3)]
    outlook.delete_message(account, first[0]["id"])

    changes, next_link, _ = sync(graph, link, page_size=2)
    quiet, _, _ = sync(graph, next_link)

    assert [c["id"] for c in changes if "@removed" not in c] == added
    assert [c["id"] for c in changes if "@removed" in c] == [first[0]["id"]]
    assert quiet == []


def test_sent_items_delta_ignores_new_inbox_mail(
    outlook: OutlookEmulator, graph: requests.Session, account: str
) -> None:
    url = f"{outlook.graph_url}/users/{account}/mailFolders/sentitems/messages/delta"
    _, link, _ = sync(graph, url)
    outlook.add_message(account)

    changes, _, _ = sync(graph, link)

    assert changes == []


def test_filter_on_received_date(
    outlook: OutlookEmulator, graph: requests.Session, account: str
) -> None:
    entries = [
        e for e in outlook.organization.mailbox(account).newest_first() if e.folder == "inbox"
    ]
    cutoff = entries[20].message.date.strftime("%Y-%m-%dT%H:%M:%SZ")
    url = (
        f"{outlook.graph_url}/users/{account}/mailFolders/inbox/messages/delta"
        f"?$filter=receivedDateTime ge {cutoff}"
    )

    items, _, _ = sync(graph, url)

    assert 20 <= len(items) <= 21


def test_expired_delta_token_answers_410_sync_state_not_found(
    outlook: OutlookEmulator, graph: requests.Session, account: str
) -> None:
    url = f"{outlook.graph_url}/users/{account}/mailFolders/inbox/messages/delta"
    _, link, _ = sync(graph, url)
    outlook.expire_delta(account, "inbox")

    expired = graph.get(link)
    again, _, _ = sync(graph, url)

    assert expired.status_code == 410
    assert expired.json()["error"]["code"] == "syncStateNotFound"
    assert expired.headers["Location"] == url
    assert len(again) == outlook.organization.truth()[account].inbox
    assert outlook.stats()["delta_expired"] == 1


def test_get_one_message(outlook: OutlookEmulator, graph: requests.Session, account: str) -> None:
    entry = next(outlook.organization.mailbox(account).newest_first())
    graph_id = outlook.message_id(entry.key)

    answer = graph.get(
        f"{outlook.graph_url}/users/{account}/messages/{graph_id}"
        "?$select=internetMessageHeaders,internetMessageId"
    )

    assert answer.status_code == 200
    assert answer.json()["internetMessageId"] == entry.message.message_id
    assert isinstance(answer.json()["internetMessageHeaders"], list)
