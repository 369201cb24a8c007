"""Graph throttling per mailbox: 4 concurrent requests, the request window, fault switches."""

from __future__ import annotations

import threading

import requests

from connectors.outlook.emulator import OutlookEmulator
from tests.waiting import wait_until


def test_a_fifth_concurrent_request_gets_429_with_retry_after(
    outlook: OutlookEmulator, graph: requests.Session, account: str
) -> None:
    url = f"{outlook.graph_url}/users/{account}/mailFolders/inbox/messages/delta"
    statuses: list[requests.Response] = []
    outlook.gate.close()  # requests that got a slot wait here until the test opens it
    threads = [threading.Thread(target=lambda: statuses.append(graph.get(url))) for _ in range(5)]
    for thread in threads:
        thread.start()
    wait_until(lambda: outlook.gate.waiting == 4 and len(statuses) == 1, timeout=10)
    outlook.gate.open()
    for thread in threads:
        thread.join(timeout=10)

    codes = sorted(answer.status_code for answer in statuses)
    throttled = [answer for answer in statuses if answer.status_code == 429]
    assert codes == [200, 200, 200, 200, 429]
    assert throttled[0].headers["Retry-After"] == "1"
    assert throttled[0].json()["error"]["code"] == "ApplicationThrottled"
    assert outlook.stats()["concurrency_throttles"] == 1
    assert outlook.stats()["peak_concurrency"][account] == 4


def test_other_mailboxes_are_not_held_back(
    outlook: OutlookEmulator, graph: requests.Session
) -> None:
    first, second = list(outlook.mailboxes)
    outlook.limits.requests_per_window = 3
    for _ in range(3):
        graph.get(f"{outlook.graph_url}/users/{first}/mailFolders/inbox/messages/delta")

    over = graph.get(f"{outlook.graph_url}/users/{first}/mailFolders/inbox/messages/delta")
    other = graph.get(f"{outlook.graph_url}/users/{second}/mailFolders/inbox/messages/delta")

    assert over.status_code == 429
    assert int(over.headers["Retry-After"]) >= 1
    assert other.status_code == 200
    assert outlook.stats()["window_throttles"] == 1


def test_injected_429_and_503_and_early_retries_are_counted(
    outlook: OutlookEmulator, graph: requests.Session, account: str
) -> None:
    outlook.faults.throttle_fraction = 0.3
    outlook.faults.unavailable_fraction = 0.1
    outlook.ledger.grace = 0.0
    url = f"{outlook.graph_url}/users/{account}/mailFolders/inbox/messages/delta"

    codes = [graph.get(url).status_code for _ in range(60)]

    stats = outlook.stats()
    assert set(codes) == {200, 429, 503}
    assert stats["injected_throttles"] == codes.count(429)
    assert stats["injected_unavailable"] == codes.count(503)
    assert stats["retry_after_violations"] > 0  # nobody waited the announced second


def test_admin_route_sets_faults_and_reports_stats(
    outlook: OutlookEmulator, graph: requests.Session, account: str
) -> None:
    graph.post(f"{outlook.url}/_emulator/faults", json={"throttle_fraction": 1.0})

    answer = graph.get(f"{outlook.graph_url}/users/{account}/mailFolders/inbox/messages/delta")
    stats = graph.get(f"{outlook.url}/_emulator/stats").json()

    assert answer.status_code == 429
    assert stats["injected_throttles"] == 1
    assert stats["token.client_credentials"] == 1
