"""One resolve asks each of its questions once: on PostgreSQL every statement is a
round trip to the server, and a resolve's time there was mostly waiting for them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import event

from core.db import Database
from core.models import AppSetting, Customer, SourceRecord
from core.records.rules import SETTING_KEY as RULES_SETTING
from tests.core.identity.support import golden_values, ingest


@pytest.fixture
def sent(database: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(database.engine, "before_cursor_execute", note)
    yield statements
    event.remove(database.engine, "before_cursor_execute", note)


def test_a_resolve_reads_the_settings_connector_and_store_size_once(
    database: Database, sources: list[int], sent: list[str]
) -> None:
    ingest(database, sources[0], "ann-1", given_name="Ann", emails=["ann@example.com"])
    sent.clear()

    result = ingest(database, sources[1], "ann-2", given_name="Ann", emails=["ann@example.com"])

    assert result.action == "linked"
    settings = [s for s in sent if "FROM app_settings" in s]
    assert len(settings) == 1, settings  # suppression key and survivorship rules together
    assert [s for s in sent if "FROM connectors" in s] == settings  # and the connector's kind
    assert "max(source_records.id)" in settings[0]  # and the store's size
    store_size = [s for s in sent if s.startswith("SELECT max(source_records.id)")]
    # SQLite hands out the new record's id after the highest one
    assert len(store_size) == (0 if database.engine.dialect.name == "postgresql" else 1)


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


def test_the_rules_and_connector_kind_read_together_decide_the_golden_value(
    database: Database, sources: list[int]
) -> None:
    """Source priority ranks connector kinds: the new record's kind, read with the
    settings, must rank it above the stored record of a lower-ranked kind."""
    csv, zendesk = sources[0], sources[1]
    with database.session() as session:
        rules = {
            "source_priority": ["zendesk", "csvimport"],
            "fields": {"job_title": "source_priority"},
        }
        session.add(AppSetting(key=RULES_SETTING, value=rules))
    ingest(database, csv, "c-1", emails=["ann@example.com"], job_title="Intern")
    newer = ingest(database, zendesk, "z-1", emails=["ann@example.com"], job_title="Support lead")

    assert newer.action == "linked"
    assert golden_values(database, newer.customer_id)["job_title"] == "Support lead"
