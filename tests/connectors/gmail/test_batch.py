"""googleapiclient's BatchHttpRequest against the emulator's /batch, parts failing inside."""

from __future__ import annotations

from typing import Any

import pytest
from googleapiclient.errors import HttpError
from googleapiclient.http import BatchHttpRequest

from connectors.gmail.emulator import GmailEmulator


def run_batch(
    gmail: GmailEmulator, service: Any, ids: list[str], **get: Any
) -> dict[str, tuple[dict[str, Any] | None, HttpError | None]]:
    results: dict[str, tuple[dict[str, Any] | None, HttpError | None]] = {}

    def collect(request_id: str, response: Any, error: Any) -> None:
        results[request_id] = (response, error)

    batch = BatchHttpRequest(callback=collect, batch_uri=f"{gmail.url}/batch")
    for message_id in ids:
        batch.add(service.users().messages().get(userId="me", id=message_id, **get))
    batch.execute(http=service._http)
    return results


def _ids(gmail: GmailEmulator, account: str, count: int) -> list[str]:
    entries = gmail.organization.mailbox(account).newest_first()
    return [entry.key for _, entry in zip(range(count), entries, strict=False)]


def test_fifty_gets_in_one_batch(gmail: GmailEmulator, account: str, service: Any) -> None:
    ids = _ids(gmail, account, 50)

    results = run_batch(
        gmail, service, ids, format="metadata", metadataHeaders=["From", "Message-ID"]
    )

    assert len(results) == 50
    assert all(error is None for _, error in results.values())
    assert sorted(response["id"] for response, _ in results.values()) == sorted(ids)
    stats = gmail.stats()
    assert stats["batches"] == 1
    assert stats["batch_parts"] == 50
    assert stats["units_used"] == 250


def test_rate_limited_parts_fail_inside_a_200_batch(
    gmail: GmailEmulator, account: str, service: Any
) -> None:
    gmail.faults.batch_part_rate_limit_fraction = 0.3

    results = run_batch(gmail, service, _ids(gmail, account, 50), format="minimal")

    failed = [error for _, error in results.values() if error is not None]
    assert len(results) == 50
    assert 0 < len(failed) < 50
    assert {error.status_code for error in failed} == {429}
    assert all(error.resp.get("retry-after") == "1" for error in failed)
    assert gmail.stats()["injected_rate_limits"] == len(failed)


def test_parts_beyond_the_concurrency_limit_fail_with_429(
    gmail: GmailEmulator, account: str, service: Any
) -> None:
    gmail.limits.concurrent_per_user = 40

    results = run_batch(gmail, service, _ids(gmail, account, 50), format="minimal")

    statuses = sorted(429 if error else 200 for _, error in results.values())
    assert statuses == [200] * 40 + [429] * 10
    assert gmail.stats()["concurrency_errors"] == 10


def test_more_than_100_parts_is_refused(gmail: GmailEmulator, account: str, service: Any) -> None:
    gmail.limits.concurrent_per_user = 500
    ids = _ids(gmail, account, 101)
    batch = BatchHttpRequest(batch_uri=f"{gmail.url}/batch")
    for message_id in ids:
        batch.add(service.users().messages().get(userId="me", id=message_id))

    with pytest.raises(HttpError) as caught:
        batch.execute(http=service._http)

    assert caught.value.status_code == 400


def test_unknown_ids_fail_alone(gmail: GmailEmulator, account: str, service: Any) -> None:
    ids = [*_ids(gmail, account, 3), "ffffffffffffffff"]

    results = run_batch(gmail, service, ids, format="minimal")

    errors = [error.status_code for _, error in results.values() if error is not None]
    assert errors == [404]
