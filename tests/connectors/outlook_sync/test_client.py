"""The Graph client's error table and its per-mailbox concurrency, against the emulator."""

from __future__ import annotations

import threading

import pytest
import requests

from connectors.outlook.client import GraphClient, GraphRequestFailed
from connectors.outlook.config import MicrosoftApp
from connectors.outlook.emulator import OutlookEmulator
from connectors.outlook.emulator.errors import GraphError
from connectors.sync import CursorExpired, RateLimited, Transient
from connectors.sync.budget import RateBudget
from tests.waiting import wait_until


class Tokens:
    """An app-only token from the emulator; counts how often a new one was asked for."""

    def __init__(self, emulator: OutlookEmulator) -> None:
        self.emulator = emulator
        self.rejected: list[str | None] = []

    def __call__(self, rejected: str | None) -> str:
        self.rejected.append(rejected)
        grant = self.emulator.tokens.app_token(
            self.emulator.client_id, "https://graph.microsoft.com/.default"
        )
        return str(grant.access_token)


def _client(app: MicrosoftApp, email: str, tokens: Tokens, **kw: object) -> GraphClient:
    return GraphClient(app.graph_url, email, tokens, app.http_session(), sleep=lambda _: None, **kw)  # type: ignore[arg-type]


def test_a_rejected_token_is_replaced_once(
    app: MicrosoftApp, emulator: OutlookEmulator, email: str
) -> None:
    tokens = Tokens(emulator)
    client = _client(app, email, tokens)
    client.delta_page(client.delta_start("inbox"))
    emulator.expire_access_tokens()

    page = client.delta_page(client.delta_start("inbox"))

    assert page.items
    assert tokens.rejected[0] is None
    assert tokens.rejected[1] is not None  # the refused one was named
    assert len(tokens.rejected) == 2


def test_429_closes_the_budget_for_retry_after(
    app: MicrosoftApp, emulator: OutlookEmulator, email: str
) -> None:
    now = [100.0]
    budget = RateBudget(
        10, 600, clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s)
    )
    client = _client(app, email, Tokens(emulator), budget=budget)
    emulator.faults.throttle_fraction = 1.0
    emulator.faults.retry_after = 7

    with pytest.raises(RateLimited) as raised:
        client._once("GET", client.delta_start("inbox"), {}, None)
    waited = budget.spend(1)

    assert raised.value.retry_after == 7
    assert waited == pytest.approx(7.0)


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (410, "syncStateNotFound", CursorExpired),
        (400, "SYNCSTATENOTFOUND", CursorExpired),
        (400, "resyncRequired", CursorExpired),
        (503, "ServiceUnavailable", Transient),
        (403, "ErrorAccessDenied", GraphRequestFailed),
    ],
)
def test_error_table(
    app: MicrosoftApp,
    emulator: OutlookEmulator,
    email: str,
    status: int,
    code: str,
    expected: type[Exception],
) -> None:
    client = _client(app, email, Tokens(emulator), page_size=10)
    link = client.delta_page(client.delta_start("inbox")).next_link
    assert link is not None
    emulator.faults.delta_expired_status = status
    emulator.faults.delta_expired_code = code
    emulator.faults.delta_expired_next = 1

    with pytest.raises(expected):
        client._once("GET", link, {}, None)


def test_a_network_failure_is_transient(app: MicrosoftApp, email: str) -> None:
    client = GraphClient("https://127.0.0.1:9", email, lambda _: "t", requests.Session())

    with pytest.raises(Transient):
        client._once("GET", client.delta_start("inbox"), {}, None)


def test_no_more_than_four_requests_of_one_mailbox_are_in_flight(
    app: MicrosoftApp, emulator: OutlookEmulator, email: str
) -> None:
    tokens = Tokens(emulator)
    url = _client(app, email, tokens).delta_start("inbox")
    answers: list[int] = []
    errors: list[BaseException] = []

    def read() -> None:
        try:
            answers.append(len(_client(app, email, tokens).delta_page(url).items))
        except (GraphError, RateLimited, Transient) as error:  # pragma: no cover - reported
            errors.append(error)

    emulator.gate.close()
    threads = [threading.Thread(target=read) for _ in range(7)]
    for thread in threads:
        thread.start()
    wait_until(lambda: emulator.gate.waiting == 4, timeout=10)
    held_back = emulator.gate.waiting
    emulator.gate.open()
    for thread in threads:
        thread.join(timeout=10)

    assert held_back == 4
    assert errors == []
    assert len(answers) == 7
    assert emulator.stats().get("concurrency_throttles", 0) == 0
    assert emulator.stats()["peak_concurrency"][email] == 4
