"""A kept SQLite store copied into PostgreSQL reads back the same, and goes on working."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from benchmarks.identity import runner
from benchmarks.identity.kept import kept_connectors, next_index, store_counts
from benchmarks.identity.resolves import database_url as url_of
from benchmarks.identity.resolves import main as resolves_main
from benchmarks.identity.resolves import records_past, timed_resolves
from benchmarks.identity.to_postgres import copy_store
from core.db import Database
from core.models import Base, SourceRecord


@pytest.fixture(scope="module")
def kept_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("kept") / "kept.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.argv", ["identity", "--size", "400", "--incremental", "20",
                                   "--prepare-workers", "0", "--keep", str(store)])  # fmt: skip
        runner.main()
    return store


def _rows(database: Database) -> dict[str, list[tuple]]:
    """Every table's rows in primary-key order, as SQLAlchemy reads them."""
    with database.engine.connect() as connection:
        return {
            table.name: [
                tuple(row)
                for row in connection.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in Base.metadata.sorted_tables
        }


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_copied_store_reads_back_row_for_row(kept_store: Path, database_url: str) -> None:
    sqlite = Database(url_of(str(kept_store)))
    postgres = Database(url_of(database_url))
    try:
        copied = copy_store(kept_store, database_url)

        expected = _rows(sqlite)
        assert copied == {name: len(rows) for name, rows in expected.items()}
        assert copied["source_records"] == 420
        assert copied["identity_keys"] > 420
        assert _rows(postgres) == expected  # JSON, times and flags alike
    finally:
        sqlite.dispose()
        postgres.dispose()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_copied_store_takes_new_records_and_refuses_a_second_copy(
    kept_store: Path, database_url: str
) -> None:
    copy_store(kept_store, database_url)
    postgres = Database(url_of(database_url))
    try:
        with postgres.session() as session:
            connectors = kept_connectors(session)
            start = next_index(session)
            highest = session.scalar(select(func.max(SourceRecord.id)))
        assert start == 420
        batch = list(records_past(start, 7, start + 5))

        assert len(timed_resolves(url_of(database_url), connectors, batch)) == len(batch)

        with postgres.session() as session:
            new_ids = session.scalars(select(SourceRecord.id).where(SourceRecord.id > highest))
            assert sorted(new_ids) == list(range(highest + 1, highest + 1 + len(batch)))
            before = store_counts(session)
        with pytest.raises(SystemExit, match="already holds source records"):
            copy_store(kept_store, database_url)
        with postgres.session() as session:
            assert store_counts(session) == before
    finally:
        postgres.dispose()


def test_resolves_print_their_rounds_on_a_sqlite_store(kept_store, tmp_path, monkeypatch, capsys):
    store = tmp_path / "copy.db"
    store.write_bytes(kept_store.read_bytes())
    monkeypatch.setattr(
        "sys.argv", ["resolves", str(store), "--records", "5", "--warm-up", "1", "--rounds", "2"]
    )

    resolves_main()

    output = capsys.readouterr().out
    assert "sqlite store: 420 records" in output
    assert output.count("5 resolves: p50") == 2
    database = Database(url_of(str(store)))
    with database.session() as session:
        assert store_counts(session)[0] == 432
    database.dispose()
