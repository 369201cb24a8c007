"""Graph and MSAL against scripted answers (the ``responses`` library).

MSAL and the Graph client use requests, so ``responses`` scripts Microsoft call by
call: a delta page with its links, a 429 waited out for exactly its Retry-After, a 410
or ``syncStateNotFound`` as an expired cursor, MSAL's refresh with a rotated refresh
token, and ``invalid_grant`` as "needs reconnect".
"""

from __future__ import annotations

import pytest
import requests
import responses

from connectors.outlook.auth import refresher
from connectors.outlook.client import GraphClient
from connectors.outlook.config import MicrosoftApp
from connectors.sync import CursorExpired, NeedsReconnect, RateBudget

GRAPH = "https://graph.example.test/v1.0"
AUTHORITY = "https://login.example.test/common"
APP = MicrosoftApp("client", "secret", AUTHORITY, f"{AUTHORITY}/oauth2/v2.0/token", GRAPH)
DELTA = f"{GRAPH}/users/rita@example.com/mailFolders/inbox/messages/delta"


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def _client(time: FakeTime) -> GraphClient:
    budget = RateBudget(10_000, 600, clock=time.clock, sleep=time.sleep)
    return GraphClient(GRAPH, "rita@example.com", lambda _rejected: "token",
                       requests.Session(), budget=budget, sleep=time.sleep)  # fmt: skip


@responses.activate
def test_a_delta_page_gives_its_items_and_next_link_after_a_429_waited_out() -> None:
    responses.get(DELTA, status=429, headers={"Retry-After": "12"},
                  json={"error": {"code": "ApplicationThrottled"}})  # fmt: skip
    responses.get(DELTA, json={"value": [{"id": "1"}], "@odata.nextLink": f"{DELTA}?page=2"})
    time = FakeTime()
    page = _client(time).delta_page(DELTA)
    assert ([i["id"] for i in page.items], page.next_link, page.delta_link) == (
        ["1"], f"{DELTA}?page=2", None,
    )  # fmt: skip
    assert sum(time.sleeps) == pytest.approx(12.0)  # not sooner, and not twice
    assert responses.calls[1].request.headers["Authorization"] == "Bearer token"
    assert "odata.maxpagesize" in responses.calls[1].request.headers["Prefer"]


@pytest.mark.parametrize(
    ("status", "code"), [(410, "syncStateNotFound"), (400, "resyncrequired"), (410, "")]
)
@responses.activate
def test_an_expired_delta_token_is_cursor_expired(status: int, code: str) -> None:
    responses.get(DELTA, status=status, json={"error": {"code": code, "message": "x"}})
    with pytest.raises(CursorExpired):
        _client(FakeTime()).delta_page(DELTA)


def _openid() -> None:
    responses.get(
        f"{AUTHORITY}/v2.0/.well-known/openid-configuration",
        json={
            "token_endpoint": f"{AUTHORITY}/oauth2/v2.0/token",
            "authorization_endpoint": f"{AUTHORITY}/oauth2/v2.0/authorize",
            "issuer": "https://login.example.test/{tenantid}/v2.0",
        },
    )


@responses.activate
def test_msal_refreshes_with_the_stored_token_and_keeps_the_rotated_one() -> None:
    _openid()
    responses.post(
        f"{AUTHORITY}/oauth2/v2.0/token",
        json={"access_token": "new-access", "refresh_token": "rotated", "expires_in": 3600,
              "token_type": "Bearer", "scope": "https://graph.microsoft.com/Mail.Read"},
    )  # fmt: skip
    fresh = refresher(APP, requests.Session())({"refresh_token": "old"})
    assert (fresh["access_token"], fresh["refresh_token"]) == ("new-access", "rotated")
    sent = responses.calls[-1].request.body
    assert "grant_type=refresh_token" in sent
    assert "refresh_token=old" in sent


@responses.activate
def test_an_invalid_grant_asks_for_a_reconnect() -> None:
    _openid()
    responses.post(f"{AUTHORITY}/oauth2/v2.0/token", status=400,
                   json={"error": "invalid_grant", "error_description": "AADSTS70000"})  # fmt: skip
    with pytest.raises(NeedsReconnect, match="invalid_grant"):
        refresher(APP, requests.Session())({"refresh_token": "revoked"})
