"""One resolve asks each of its questions once: on PostgreSQL every statement is a
round trip to the server, and a resolve's time there was mostly waiting for them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import event

from core.db import Database
from core.models import Customer, SourceRecord
from tests.core.identity.support import ingest


@pytest.fixture
def sent(database: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(database.engine, "before_cursor_execute", note)
    yield statements
    event.remove(database.engine, "before_cursor_execute", note)


def test_a_resolve_reads_the_settings_and_the_store_size_once(
    database: Database, sources: list[int], sent: list[str]
) -> None:
    ingest(database, sources[0], "ann-1", given_name="Ann", emails=["ann@example.com"])
    sent.clear()

    result = ingest(database, sources[1], "ann-2", given_name="Ann", emails=["ann@example.com"])

    assert result.action == "linked"
    settings = [s for s in sent if "FROM app_settings" in s]
    assert len(settings) == 1, settings  # suppression key and survivorship rules together
    store_size = [s for s in sent if s.startswith("SELECT max(source_records.id)")]
    # SQLite also hands out the new record's id after the highest one
    assert len(store_size) == (1 if database.engine.dialect.name == "postgresql" else 2)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_new_customer_and_its_record_get_their_ids_in_one_statement(
    database: Database, sources: list[int], sent: list[str]
) -> None:
    result = ingest(database, sources[0], "ann-1", given_name="Ann", emails=["ann@example.com"])

    assert result.action == "created"
    [allocation] = [s for s in sent if "nextval" in s]
    assert "customers" not in allocation  # the table names are bound, not in the text
    with database.session() as session:
        record = session.get(SourceRecord, result.source_record_id)
        assert record is not None
        assert record.customer_id == result.customer_id
        assert session.get(Customer, result.customer_id) is not None
