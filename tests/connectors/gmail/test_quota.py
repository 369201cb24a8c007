"""Gmail's per-user quota: 15,000 units a minute, batch parts counted one by one."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from googleapiclient.errors import HttpError

from connectors.gmail.emulator import GmailEmulator
from tests.connectors.gmail.conftest import make_service
from tests.connectors.gmail.test_batch import run_batch


def _batch_body(ids: list[str]) -> str:
    """The body googleapiclient writes, built once: its MIME writer is slow to repeat."""
    parts = [
        f"--b\nContent-Type: application/http\nContent-ID: <base + {n}>\n\n"
        f"GET /gmail/v1/users/me/messages/{message_id}?format=minimal HTTP/1.1\n\n"
        for n, message_id in enumerate(ids)
    ]
    return "".join(parts) + "--b--\n"


def test_a_burst_over_15000_units_gets_429_with_retry_after(
    gmail: GmailEmulator, account: str, service: Any
) -> None:
    ids = [e.key for e in gmail.organization.mailbox(account).newest_first()][:50]
    token = gmail.credentials(account)["token"]
    with requests.Session() as http:
        http.trust_env = False
        for _ in range(60):  # 60 batches x 50 gets x 5 units = 15,000 units: the whole quota
            answer = http.post(
                f"{gmail.url}/batch",
                data=_batch_body(ids),
                headers={
                    "Authorization": f"Bearer {token}",
                    "Content-Type": 'multipart/mixed; boundary="b"',
                },
            )
            assert answer.status_code == 200
            assert answer.text.count("HTTP/1.1 200 OK") == 50

    over = run_batch(gmail, service, ids[:2], format="minimal")
    with pytest.raises(HttpError) as caught:
        service.users().messages().list(userId="me").execute()

    assert {error.status_code for _, error in over.values() if error} == {429}
    assert caught.value.status_code == 429
    assert int(caught.value.resp["retry-after"]) >= 1
    stats = gmail.stats()
    assert stats["units_used"] == 15_000
    assert stats["units_by_user"][account] == 15_000
    assert stats["quota_errors"] == 3
    assert stats["retry_after_violations"] == 0


def test_other_users_keep_their_own_quota(gmail: GmailEmulator, account: str) -> None:
    gmail.limits.quota_per_minute = 10
    first = make_service(gmail, account)
    second = make_service(gmail, list(gmail.mailboxes)[1])

    first.users().messages().list(userId="me").execute()
    first.users().messages().list(userId="me").execute()
    with pytest.raises(HttpError) as caught:
        first.users().getProfile(userId="me").execute()
    second.users().messages().list(userId="me").execute()

    assert caught.value.status_code == 429
    first.close()
    second.close()


def test_403_rate_limit_variant(gmail: GmailEmulator, service: Any) -> None:
    gmail.limits.quota_per_minute = 5
    gmail.limits.rate_limit_status = 403
    service.users().messages().list(userId="me").execute()

    with pytest.raises(HttpError) as caught:
        service.users().messages().list(userId="me").execute()

    assert caught.value.status_code == 403
    assert caught.value.error_details[0]["reason"] == "userRateLimitExceeded"


def test_coming_back_before_retry_after_is_counted(gmail: GmailEmulator, service: Any) -> None:
    gmail.limits.quota_per_minute = 5
    gmail.ledger.grace = 0.0
    service.users().messages().list(userId="me").execute()
    for _ in range(3):
        with pytest.raises(HttpError):
            service.users().messages().list(userId="me").execute()

    stats = gmail.stats()
    assert stats["quota_errors"] == 3
    assert stats["retry_after_violations"] == 2


def test_injected_429_fraction(gmail: GmailEmulator, service: Any) -> None:
    gmail.faults.rate_limit_fraction = 0.5
    statuses, retry_afters = [], set()
    for _ in range(40):
        try:
            service.users().getProfile(userId="me").execute()
            statuses.append(200)
        except HttpError as error:
            statuses.append(error.status_code)
            retry_afters.add(error.resp["retry-after"])

    assert set(statuses) == {200, 429}
    assert retry_afters == {"1"}
    assert gmail.stats()["injected_rate_limits"] == statuses.count(429)
