"""A burst reads each source once; a change shows within the cache's few seconds."""

from __future__ import annotations

import pytest
from sqlalchemy import event as sql_event

from connectors.base import WebhookRejected
from connectors.forms import CreatedSource
from core.db import Database
from core.models import Connector
from core.vault import Vault
from webhooks.inbound.sources import SourceCache


class Clock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


def _reads(database: Database) -> list[str]:
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        if "FROM connectors" in statement:
            seen.append(statement)

    sql_event.listen(database.engine, "before_cursor_execute", record)
    return seen


def test_a_burst_reads_the_source_once_and_a_pause_shows_after_the_ttl(
    database: Database, vault: Vault, signed_source: CreatedSource
) -> None:
    clock, reads = Clock(), _reads(database)
    cache = SourceCache(ttl=5.0, clock=clock)
    first = cache.load(database, vault, signed_source.connector_id)
    for _ in range(20):
        assert cache.load(database, vault, signed_source.connector_id) is first
    assert len(reads) == 1
    with database.session() as session:
        row = session.get(Connector, signed_source.connector_id)
        assert row is not None
        row.status = "paused"
    clock.now += 4.9
    assert cache.load(database, vault, signed_source.connector_id) is first  # still cached
    clock.now += 0.2
    with pytest.raises(WebhookRejected) as refused:
        cache.load(database, vault, signed_source.connector_id)
    assert refused.value.status == 404


def test_a_refusal_is_not_cached(
    database: Database, vault: Vault, signed_source: CreatedSource
) -> None:
    cache = SourceCache(ttl=5.0, clock=Clock())
    with pytest.raises(WebhookRejected):
        cache.load(database, vault, 987654)
    source = cache.load(database, vault, signed_source.connector_id)
    assert source.connector_id == signed_source.connector_id
