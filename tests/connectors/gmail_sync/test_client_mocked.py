"""The Gmail client against scripted answers (googleapiclient's HttpMockSequence).

Each test scripts what Gmail answers, call by call, and checks what the client makes
of it: quota errors waited out for exactly ``Retry-After``, an expired history id as
CursorExpired, a failed part inside a 200 batch retried (never dropped), a 401 answered
by one token refresh.
"""

from __future__ import annotations

import json

import pytest
from googleapiclient.http import HttpMockSequence

from connectors.gmail.client import GmailClient
from connectors.gmail.config import GoogleApp
from connectors.sync import CursorExpired, RateBudget

APP = GoogleApp("id", "secret", api_endpoint="https://gmail.example.test")
BOUNDARY = "batch_boundary"


class FakeTime:
    """Waits pass at once, and the clock moves by what was waited."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def _client(script: list, tokens: list[str | None] | None = None):
    time = FakeTime()
    sleeps = time.sleeps
    asked = tokens if tokens is not None else []

    def token(rejected: str | None) -> str:
        asked.append(rejected)
        return f"token-{len(asked)}"

    budget = RateBudget(15_000, 60, clock=time.clock, sleep=time.sleep)
    client = GmailClient(
        APP, token, budget=budget, sleep=time.sleep, transport=HttpMockSequence(script)
    )
    return client, sleeps


def _json(status: str, body: dict, **headers: str) -> tuple[dict, str]:
    return ({"status": status, "content-type": "application/json", **headers}, json.dumps(body))


def _batch(parts: list[tuple[str, int, dict]]) -> tuple[dict, str]:
    """A multipart/mixed batch answer, one part per (message id, status, body)."""
    chunks = []
    for message_id, status, body in parts:
        payload = json.dumps(body)
        chunks.append(
            f"--{BOUNDARY}\r\nContent-Type: application/http\r\n"
            f"Content-ID: <response-batch + {message_id}>\r\n\r\n"
            f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(payload)}\r\n\r\n{payload}\r\n"
        )
    body = "".join(chunks) + f"--{BOUNDARY}--"
    return ({"status": "200", "content-type": f"multipart/mixed; boundary={BOUNDARY}"}, body)


def test_a_429_is_waited_out_for_exactly_its_retry_after() -> None:
    client, sleeps = _client([
        _json("429", {"error": {"code": 429, "errors": [{"reason": "rateLimitExceeded"}]}},
              **{"retry-after": "7"}),
        _json("200", {"emailAddress": "rita@example.com", "historyId": "42", "messagesTotal": 3}),
    ])  # fmt: skip
    assert client.profile()["historyId"] == "42"
    assert sum(sleeps) == pytest.approx(7.0)  # not sooner, and not twice
    assert client.requests == 2


def test_a_403_rate_limit_reason_counts_as_a_rate_limit() -> None:
    client, sleeps = _client([
        _json("403", {"error": {"code": 403, "errors": [{"reason": "userRateLimitExceeded"}]}},
              **{"retry-after": "3"}),
        _json("200", {"messages": [{"id": "a", "threadId": "t"}], "resultSizeEstimate": 1}),
    ])  # fmt: skip
    ids, token, estimate = client.list_ids(query="after:1")
    assert (ids, token, estimate) == (["a"], None, 1)
    assert sum(sleeps) == pytest.approx(3.0)


def test_an_expired_history_id_is_cursor_expired() -> None:
    client, _ = _client(
        [_json("404", {"error": {"code": 404, "message": "Requested entity was not found."}})]
    )
    with pytest.raises(CursorExpired):
        client.history("12345")


def test_a_failed_part_inside_a_200_batch_is_retried_not_dropped() -> None:
    first = _batch([
        ("m1", 200, {"id": "m1", "threadId": "t", "payload": {"headers": []}}),
        ("m2", 429, {"error": {"code": 429, "message": "Too many concurrent requests for user"}}),
    ])  # fmt: skip
    second = _batch([("m2", 200, {"id": "m2", "threadId": "t", "payload": {"headers": []}})])
    client, _ = _client([first, second])
    found, gone = client.get_many(["m1", "m2"])
    assert sorted(found) == ["m1", "m2"]
    assert gone == set()
    assert client.requests == 2  # two batches: the second holds only the failed part


def test_a_401_gets_one_token_refresh_and_the_call_again() -> None:
    asked: list[str | None] = []
    client, _ = _client([
        _json("401", {"error": {"code": 401, "message": "Invalid Credentials"}}),
        _json("200", {"emailAddress": "rita@example.com", "historyId": "9"}),
    ], tokens=asked)  # fmt: skip
    assert client.profile()["historyId"] == "9"
    assert asked == [None, "token-1"]  # the refused token is named, so it is replaced
