"""The emulator driven over HTTP (as another process would) and Gmail push delivery."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import google.auth.transport.requests
import pytest
import requests
from google.oauth2 import id_token
from googleapiclient.errors import HttpError

from connectors.gmail.emulator import GmailEmulator
from tests.connectors.mailboxes.receiver import running_receiver
from tests.waiting import wait_until


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        session.trust_env = False
        yield session


def test_faults_set_over_http_take_effect(
    gmail: GmailEmulator, service: Any, http: requests.Session
) -> None:
    answer = http.post(f"{gmail.url}/_emulator/faults", json={"rate_limit_fraction": 1.0})

    with pytest.raises(HttpError) as caught:
        service.users().getProfile(userId="me").execute()
    stats = http.get(f"{gmail.url}/_emulator/stats").json()

    assert answer.status_code == 200
    assert gmail.faults.rate_limit_fraction == 1.0
    assert caught.value.status_code == 429
    assert stats["injected_rate_limits"] == 1


def test_unknown_or_mistyped_switches_are_refused(
    gmail: GmailEmulator, http: requests.Session
) -> None:
    unknown = http.post(f"{gmail.url}/_emulator/faults", json={"no_such_switch": 1})
    mistyped = http.post(f"{gmail.url}/_emulator/faults", json={"latency": "slow"})

    assert unknown.status_code == mistyped.status_code == 400
    assert gmail.faults.latency == 0.0


def test_messages_added_and_history_expired_over_http(
    gmail: GmailEmulator, account: str, service: Any, http: requests.Session
) -> None:
    start = service.users().getProfile(userId="me").execute()["historyId"]

    added = http.post(f"{gmail.url}/_emulator/messages", json={"account": account}).json()
    page = service.users().history().list(userId="me", startHistoryId=start).execute()
    http.post(f"{gmail.url}/_emulator/expire-history", json={"account": account})

    assert page["history"][0]["messagesAdded"][0]["message"]["id"] == added["id"]
    with pytest.raises(HttpError) as caught:
        service.users().history().list(userId="me", startHistoryId=start).execute()
    assert caught.value.status_code == 404


def test_revoke_over_http_and_truth(
    gmail: GmailEmulator, account: str, http: requests.Session
) -> None:
    refresh_token = gmail.credentials(account)["refresh_token"]
    http.post(f"{gmail.url}/_emulator/revoke", json={"account": account})
    truth = http.get(f"{gmail.url}/_emulator/truth?ids=1").json()

    answer = http.post(
        f"{gmail.url}/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": gmail.client_id,
            "client_secret": gmail.client_secret,
        },
    )

    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_grant"
    assert truth[account]["messages"] == 600
    assert len(truth[account]["ids"]) == 600


def test_push_notification_is_signed_and_carries_the_history_id(
    gmail: GmailEmulator, account: str, service: Any, http: requests.Session
) -> None:
    with running_receiver() as receiver:
        gmail.pusher.endpoint = f"{receiver.url}/hooks/gmail"
        gmail.pusher.audience = "https://crmhub.test/hooks/gmail"
        service.users().watch(userId="me", body={"topicName": "projects/p/topics/t"}).execute()

        gmail.add_message(account)
        wait_until(receiver.bodies, timeout=10, message="no push arrived")

        pushed = receiver.requests[0]
        envelope = json.loads(pushed.body)
        data = json.loads(base64.urlsafe_b64decode(envelope["message"]["data"]))
        token = pushed.headers["Authorization"].removeprefix("Bearer ")
        claims = id_token.verify_token(
            token,
            google.auth.transport.requests.Request(http),
            audience="https://crmhub.test/hooks/gmail",
            certs_url=f"{gmail.url}/oauth2/v1/certs",
        )

    profile = service.users().getProfile(userId="me").execute()
    assert pushed.path == "/hooks/gmail"
    assert data == {"emailAddress": account, "historyId": int(profile["historyId"])}
    assert envelope["subscription"].startswith("projects/")
    assert claims["iss"] == "https://accounts.google.com"
    assert claims["email_verified"] is True
    assert gmail.stats()["push_sent"] == 1


def test_no_push_without_a_watch(gmail: GmailEmulator, account: str) -> None:
    with running_receiver() as receiver:
        gmail.pusher.endpoint = receiver.url
        gmail.add_message(account)
        gmail.add_message(list(gmail.mailboxes)[1])

    assert receiver.requests == []
    assert gmail.pusher._pending == {}
