"""Subscriptions: the validation handshake, renew/delete, change and lifecycle notifications."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import requests

from connectors.outlook.emulator import OutlookEmulator
from tests.connectors.mailboxes.receiver import running_receiver
from tests.waiting import wait_until


def _request(account: str, url: str, minutes: int = 60, **extra: Any) -> dict[str, Any]:
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=minutes)
    return {
        "changeType": "created",
        "notificationUrl": url,
        "resource": f"/users/{account}/mailFolders('inbox')/messages",
        "expirationDateTime": expires.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "clientState": "secret-client-state",
        **extra,
    }


def test_subscription_needs_the_validation_echo_and_then_notifies(
    outlook: OutlookEmulator, graph: requests.Session, account: str
) -> None:
    with running_receiver() as receiver:
        answer = graph.post(
            f"{outlook.graph_url}/subscriptions",
            json=_request(account, f"{receiver.url}/hooks/graph"),
        )
        created = answer.json()
        validation = receiver.requests[0]

        graph_id = outlook.add_message(account)
        wait_until(receiver.bodies, timeout=10, message="no notification arrived")
        notification = json.loads(receiver.bodies()[0])["value"][0]

    assert answer.status_code == 201
    assert validation.path == "/hooks/graph"
    assert validation.args["validationToken"].startswith("Validation:")
    assert created["clientState"] == "secret-client-state"
    assert notification["subscriptionId"] == created["id"]
    assert notification["clientState"] == "secret-client-state"
    assert notification["changeType"] == "created"
    assert notification["resourceData"]["id"] == graph_id
    assert outlook.stats()["notifications_sent"] == 1


def test_subscription_is_refused_when_the_receiver_does_not_echo(
    outlook: OutlookEmulator, graph: requests.Session, account: str
) -> None:
    with running_receiver(echo_validation=False) as receiver:
        answer = graph.post(
            f"{outlook.graph_url}/subscriptions", json=_request(account, receiver.url)
        )

    assert answer.status_code == 400
    assert "validation request failed" in answer.json()["error"]["message"]
    assert outlook.stats()["subscription_validation_failures"] == 1
    assert outlook.subscriptions.by_id == {}


def test_expiration_over_4230_minutes_is_refused(
    outlook: OutlookEmulator, graph: requests.Session, account: str
) -> None:
    with running_receiver() as receiver:
        answer = graph.post(
            f"{outlook.graph_url}/subscriptions",
            json=_request(account, receiver.url, minutes=4300),
        )

    assert answer.status_code == 400
    assert receiver.requests == []


def test_renew_and_delete(outlook: OutlookEmulator, graph: requests.Session, account: str) -> None:
    with running_receiver() as receiver:
        created = graph.post(
            f"{outlook.graph_url}/subscriptions", json=_request(account, receiver.url)
        ).json()
        later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=4000)
        renewed = graph.patch(
            f"{outlook.graph_url}/subscriptions/{created['id']}",
            json={"expirationDateTime": later.strftime("%Y-%m-%dT%H:%M:%SZ")},
        )
        deleted = graph.delete(f"{outlook.graph_url}/subscriptions/{created['id']}")
        gone = graph.get(f"{outlook.graph_url}/subscriptions/{created['id']}")
        outlook.add_message(account)

    assert renewed.status_code == 200
    assert renewed.json()["expirationDateTime"].startswith(later.strftime("%Y-%m-%dT%H:%M:%S"))
    assert deleted.status_code == 204
    assert gone.status_code == 404
    assert receiver.bodies() == []


def test_lifecycle_notification_goes_to_the_lifecycle_url(
    outlook: OutlookEmulator, graph: requests.Session, account: str
) -> None:
    with running_receiver() as receiver:
        created = graph.post(
            f"{outlook.graph_url}/subscriptions",
            json=_request(
                account, f"{receiver.url}/changes", lifecycleNotificationUrl=f"{receiver.url}/life"
            ),
        ).json()
        outlook.subscriptions.lifecycle(created["id"], "subscriptionRemoved")
        wait_until(receiver.bodies, timeout=10, message="no lifecycle event")
        event = receiver.requests[-1]

    assert [r.path for r in receiver.requests[:2]] == ["/changes", "/life"]  # two validations
    assert event.path == "/life"
    assert json.loads(event.body)["value"][0]["lifecycleEvent"] == "subscriptionRemoved"
    assert created["id"] not in outlook.subscriptions.by_id
