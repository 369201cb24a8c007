"""The delivery loop: claim a batch, send it concurrently, record it; repeat while work is due.

Per batch the database sees three short transactions (claim, record) and a few statements
each, however many deliveries the batch holds; the HTTP work happens between them, on a
thread pool, over one keep-alive session per endpoint. The guard checks each endpoint's
URL once per batch and its session is pinned to the address that passed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

import requests

from core.db import Database
from core.models import utcnow
from core.vault import SecretUnreadable, Vault
from webhooks.outbound.allowlist import load_allowlist
from webhooks.outbound.claims import Claim, claim_due
from webhooks.outbound.endpoints import signing_secrets
from webhooks.outbound.options import DeliveryOptions, load_options
from webhooks.outbound.payload import event_body
from webhooks.outbound.recording import Result, record_results
from webhooks.outbound.sender import EndpointSender, Message, Outcome
from webhooks.outbound.sessions import EndpointSessions
from webhooks.outbound.urlguard import Network, UnsafeURL, check_url

log = logging.getLogger(__name__)

UNREADABLE = "the signing secret cannot be read with the configured encryption keys"


@dataclass(frozen=True)
class _Job:
    claim: Claim
    message: Message
    sender: EndpointSender


@dataclass
class RunStats:
    batches: int = 0
    attempts: int = 0
    succeeded: int = 0


class SendPool:
    """The threads and per-endpoint sessions of one process, kept across runs."""

    def __init__(self, concurrency: int) -> None:
        self.concurrency = concurrency
        self.executor = ThreadPoolExecutor(concurrency, thread_name_prefix="webhook-send")
        self.sessions = EndpointSessions(pool_size=concurrency)

    def close(self) -> None:
        self.executor.shutdown(wait=True)
        self.sessions.close()


_pool: SendPool | None = None
_pool_lock = threading.Lock()


def process_pool(concurrency: int) -> SendPool:
    """This process's pool, rebuilt when the configured concurrency changes."""
    global _pool
    with _pool_lock:
        if _pool is None or _pool.concurrency != concurrency:
            old, _pool = _pool, SendPool(concurrency)
            if old is not None:
                old.close()
        return _pool


def deliver_due(
    database: Database,
    vault: Vault,
    settings_allowlist: Sequence[str] = (),
    pool: SendPool | None = None,
) -> RunStats:
    """Send everything due, batch by batch, until nothing is due or the time budget is spent."""
    started = time.monotonic()
    stats = RunStats()
    while True:
        with database.session() as session:
            options = load_options(session)
            allowlist = load_allowlist(session, settings_allowlist)
            claims = claim_due(session, utcnow(), options)
        if not claims:
            return stats
        send_pool = pool or process_pool(options.send_concurrency)
        results = send_batch(claims, vault, allowlist, options, send_pool)
        with database.session() as session:
            record_results(session, results, options, utcnow())
        stats.batches += 1
        stats.attempts += len(results)
        stats.succeeded += sum(1 for _, outcome in results if outcome.succeeded)
        if len(claims) < options.batch_size:
            return stats
        if time.monotonic() - started > options.run_budget_seconds:
            return stats


def send_batch(
    claims: Sequence[Claim],
    vault: Vault,
    allowlist: Sequence[Network],
    options: DeliveryOptions,
    pool: SendPool,
) -> list[Result]:
    """Send a batch concurrently; every claim comes back with an outcome."""
    groups: dict[int, list[Claim]] = {}
    for claim in claims:
        groups.setdefault(claim.endpoint_id, []).append(claim)
    results: list[Result] = []
    jobs: list[_Job] = []
    prepared = pool.executor.map(
        lambda group: _prepare(group, vault, allowlist, options, pool), groups.values()
    )
    for ready, refused in prepared:
        jobs.extend(ready)
        results.extend(refused)
    outcomes = pool.executor.map(_send, jobs)
    results.extend((job.claim, outcome) for job, outcome in zip(jobs, outcomes, strict=True))
    return results


def _prepare(
    group: list[Claim],
    vault: Vault,
    allowlist: Sequence[Network],
    options: DeliveryOptions,
    pool: SendPool,
) -> tuple[list[_Job], list[Result]]:
    """Check the endpoint once for the whole group; refused groups are failed, not sent."""
    first, now = group[0], utcnow()
    try:
        target = check_url(first.url, allowlist)
        secrets = signing_secrets(
            vault,
            first.secret_encrypted,
            first.previous_secret_encrypted,
            first.previous_secret_expires_at,
            now,
        )
        sender = EndpointSender(
            pool.sessions.for_target(first.endpoint_id, target), first.url, options
        )
    except UnsafeURL as exc:
        return [], _refused(group, now, f"not sent: {exc.reason}")
    except SecretUnreadable:
        return [], _refused(group, now, UNREADABLE)
    except (requests.RequestException, ValueError):
        return [], _refused(group, now, "not sent: the URL cannot be used for a request")
    return [_Job(claim, _message(claim, secrets), sender) for claim in group], []


def _refused(group: list[Claim], now: datetime, error: str) -> list[Result]:
    return [(claim, Outcome(now, error=error)) for claim in group]


def _send(job: _Job) -> Outcome:
    """One send; a bug in one must not cost the batch its results (they would be resent)."""
    try:
        return job.sender.send(job.message)
    except Exception as exc:
        log.exception("sending delivery %s failed unexpectedly", job.claim.delivery_id)
        return Outcome(utcnow(), error=f"the request failed ({type(exc).__name__})")


def _message(claim: Claim, secrets: tuple[str, ...]) -> Message:
    body = event_body(claim.event_type, claim.created_at, claim.payload, claim.sequence)
    return Message(claim.url, claim.msg_id, body, secrets)
