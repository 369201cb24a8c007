"""Growing a kept store: new records numbered past the old ones, the old ones untouched."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from benchmarks.identity import grow, runner
from core.db import Database
from core.models import SourceRecord


def _records(store: Path) -> dict[str, tuple[int, int, str]]:
    """external id -> (record id, connector id, hash of the record's content)."""
    database = Database(f"sqlite:///{store}")
    try:
        with database.session() as session:
            rows = session.execute(
                select(
                    SourceRecord.external_id,
                    SourceRecord.id,
                    SourceRecord.connector_id,
                    SourceRecord.content_hash,
                )
            )
            return {external_id: tuple(rest) for external_id, *rest in rows}
    finally:
        database.dispose()


def test_a_kept_store_grows_by_new_records_past_its_own(tmp_path, monkeypatch, capsys) -> None:
    store = tmp_path / "kept.db"
    monkeypatch.setattr(
        "sys.argv",
        ["identity", "--size", "300", "--incremental", "10", "--keep", str(store)],
    )
    runner.main()
    before = _records(store)
    monkeypatch.setattr(
        "sys.argv",
        ["grow", str(store), "--records", "200", "--seed", "8", "--prepare-workers", "0"],
    )
    capsys.readouterr()

    grow.main()

    after = _records(store)
    added = after.keys() - before.keys()
    assert {key: after[key] for key in before} == before  # no old record was touched
    assert len(after) == 510
    assert sorted(int(key.rsplit("-", 1)[1]) for key in added) == list(range(310, 510))
    output = capsys.readouterr().out
    assert "310 records" in output
    assert "from #310" in output
    assert "store now: 510 records" in output


def test_a_store_that_is_not_a_file_is_refused(tmp_path, monkeypatch, capsys) -> None:
    missing = tmp_path / "missing.db"
    monkeypatch.setattr("sys.argv", ["grow", str(missing)])

    with pytest.raises(SystemExit) as stopped:
        grow.main()

    assert stopped.value.code == 2
    assert f"{missing} is not a file" in capsys.readouterr().err
    assert not missing.exists()
