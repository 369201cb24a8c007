"""``crmhub import csv``, ``crmhub export customers``, ``crmhub identity rebuild`` and
``crmhub identity count-common-keys``."""

from __future__ import annotations

import csv
import io
import json
import logging
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select

from core.db import Database
from core.models import CommonKey, Connector, SourceRecord
from web.cli.main import cli

PEOPLE = (
    "given_name,family_name,email,phone,company,country,notes\n"
    "Ann,Lee,ann.lee@acme.example.com,020 7946 0958,Acme Ltd,GB,vip\n"
    "Bob,Smith\n"
    "Zoë,Müller,zoe@beta.example.de,+49 30 901820,Beta GmbH,DE,\n"
    "Cy,Young,cy.at.example.com,+1 415 555 2671,,US,\n"
)


@pytest.fixture
def run_cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database: Database):
    monkeypatch.setenv("CRMHUB_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("CRMHUB_DATABASE_URL", database.url)
    monkeypatch.setenv("CRMHUB_BROKER_URL", f"sqla+sqlite:///{tmp_path / 'broker.db'}")
    monkeypatch.delenv("CRMHUB_ENCRYPTION_KEYS", raising=False)

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)

    return invoke


def _file(tmp_path: Path, text: str, name: str = "people.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _count(database: Database, model: type) -> int:
    with database.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_import_prints_the_report_and_a_progress_bar(run_cli, tmp_path: Path) -> None:
    path = _file(tmp_path, PEOPLE)
    result = run_cli("import", "csv", path)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"imported {path} (UTF-8, comma-separated) as source 'CSV import'",
        "  rows                              4",
        "  created                           3",
        "  linked                            0",
        "  updated                           0",
        "  unchanged                         0",
        "  review                            0",
        "  customers merged by a row         0",
        "  bad rows                          1",
        "  rows with values left out         1",
        "data quality:",
        "  emails: 3 seen, 2 valid, 1 invalid (not a valid email address: 1)",
        "  phones: 3 seen, 3 valid, 0 invalid",
        "warning: columns the mapping does not read were left out: notes",
        "rows with problems:",
        "  line 3: not imported: 2 values but the header has 7 columns",
        "  line 5: imported without: emails[0] left out: Not a valid email address.",
    ]
    assert "importing: 100%" in result.stderr
    assert "4/4" in result.stderr
    assert "rows/s" in result.stderr


def test_a_second_import_reports_every_row_unchanged(run_cli, tmp_path: Path) -> None:
    path = _file(tmp_path, PEOPLE)
    run_cli("import", "csv", path)
    result = run_cli("import", "csv", path)
    assert result.exit_code == 0
    assert "  unchanged                         3" in result.stdout.splitlines()


def test_a_row_that_connects_two_customers_merges_them_and_is_counted(
    run_cli, tmp_path: Path
) -> None:
    path = _file(
        tmp_path,
        "given_name,family_name,email,phone\n"
        "Ann,Lee,ann@acme.example.com,\n"
        "Ann,Lee,,+1 415 555 0111\n"
        "Ann,Lee,ann@acme.example.com,+1 415 555 0111\n",
    )
    result = run_cli("import", "csv", path)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "  linked                            1" in lines
    assert "  customers merged by a row         1" in lines


def test_a_bad_mapping_exits_2_naming_each_problem(run_cli, tmp_path: Path, database) -> None:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("version: 1\ntarget: customer\nfields:\n  nickname: {from: nick}\n")
    result = run_cli("import", "csv", _file(tmp_path, PEOPLE), "--mapping", str(mapping))
    assert result.exit_code == 2
    assert "the mapping is refused, nothing imported" in result.output
    assert "  fields.nickname: " in result.output
    assert (_count(database, Connector), _count(database, SourceRecord)) == (0, 0)


@pytest.mark.parametrize(
    ("content", "code", "message"),
    [
        ("", 2, "nothing imported: the file is empty: there is no header row"),
        ("Ann,ann@example.com\n", 2, "nothing imported: the first row is not a header"),
        ("given_name,email\nAnn\nBob\n", 1, "no row could be imported"),
    ],
)
def test_import_exit_codes(run_cli, tmp_path: Path, content: str, code: int, message: str) -> None:
    result = run_cli("import", "csv", _file(tmp_path, content))
    assert result.exit_code == code
    assert message in result.output


def test_a_file_of_several_pages_is_prepared_ahead_and_imports_whole(
    run_cli, tmp_path: Path, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("web.cli.imports._PREPARE_WORKERS", 1)  # also on a one-core machine
    rows = "".join(f"Given{i},Family{i},person{i}@example.com\n" for i in range(1, 1201))
    path = _file(tmp_path, "given_name,family_name,email\n" + rows)
    result = run_cli("import", "csv", path)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "  rows                           1200" in lines
    assert "  bad rows                          0" in lines
    assert _count(database, SourceRecord) == 1200
    again = run_cli("import", "csv", path)
    assert "  unchanged                      1200" in again.stdout.splitlines()


def test_a_database_without_tables_gets_a_hint_not_a_traceback(
    run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty.db"
    monkeypatch.setenv("CRMHUB_DATABASE_URL", f"sqlite:///{empty}")
    result = run_cli("import", "csv", _file(tmp_path, PEOPLE))
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"Error: the database at sqlite:///{empty} has no current schema: "
        "run `crmhub init` first (it creates or upgrades the tables)"
    )
    assert run_cli("init").exit_code == 0
    assert run_cli("import", "csv", _file(tmp_path, PEOPLE)).exit_code == 0


def test_a_bad_default_region_is_refused(run_cli, tmp_path: Path) -> None:
    result = run_cli("import", "csv", _file(tmp_path, PEOPLE), "--default-region", "GBR")
    assert result.exit_code == 2
    assert "--default-region must be a two-letter country code, not 'GBR'" in result.output


def test_a_default_region_reads_national_numbers(run_cli, tmp_path: Path) -> None:
    path = _file(tmp_path, "given_name,email,phone\nAnn,ann@example.com,020 7946 0958\n")
    assert run_cli("import", "csv", path, "--default-region", "gb").exit_code == 0
    documents = [json.loads(line) for line in run_cli("export", "customers").stdout.splitlines()]
    assert documents[0]["golden"]["phones"]["value"] == ["+442079460958"]


def test_export_jsonl_has_golden_fields_sources_and_links(run_cli, tmp_path: Path) -> None:
    run_cli("import", "csv", _file(tmp_path, PEOPLE))
    result = run_cli("export", "customers", "--format", "jsonl")
    assert result.exit_code == 0
    documents = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(documents) == 3
    ann = documents[0]
    assert ann["golden"]["emails"]["value"] == ["ann.lee@acme.example.com"]
    assert ann["golden"]["phones"]["value"] == ["+442079460958"]
    assert ann["golden"]["given_name"]["source_record_id"] == ann["sources"][0]["source_record_id"]
    (source,) = ann["sources"]
    assert (source["connector_kind"], source["connector_name"]) == ("csvimport", "CSV import")
    assert source["external_id"].startswith("row:")
    assert isinstance(source["link_explanation"], dict)
    assert source["link_explanation"]
    assert "exported 3 customers" in result.stderr


def test_export_csv_to_a_file_imports_again(run_cli, tmp_path: Path) -> None:
    run_cli("import", "csv", _file(tmp_path, PEOPLE))
    out = tmp_path / "customers.csv"
    result = run_cli("export", "customers", "--format", "csv", "--output", str(out))
    assert result.exit_code == 0
    assert result.stdout == ""
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8"))))
    assert [row["emails"] for row in rows] == [
        "ann.lee@acme.example.com",
        "zoe@beta.example.de",
        "",
    ]
    assert rows[1]["family_name"] == "Müller"
    assert rows[1]["city"] == ""
    assert rows[1]["country"] == "DE"
    assert rows[0]["sources"].startswith("csvimport/CSV import:row:")
    assert len(json.loads(rows[0]["link_explanations"])) == 1
    again = run_cli("import", "csv", str(out), "--source", "round trip")
    assert again.exit_code == 0, again.output
    assert "  bad rows                          0" in again.stdout.splitlines()


def test_identity_rebuild_reports_what_it_did(run_cli, tmp_path: Path) -> None:
    run_cli("import", "csv", _file(tmp_path, PEOPLE))
    result = run_cli("identity", "rebuild")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "identity rebuilt"
    assert "rebuilding" in result.stderr


def test_identity_count_common_keys_replaces_the_last_count(
    run_cli, tmp_path: Path, database: Database
) -> None:
    run_cli("import", "csv", _file(tmp_path, PEOPLE))
    with database.session() as session:  # an earlier count's key, held by nobody now
        session.add(CommonKey(kind="f_city", value="gone", holders=900, records=1000))

    result = run_cli("identity", "count-common-keys")

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("counted 0 common keys (held by 500 records or more) in ")
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(CommonKey)) == 0


def _preloads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "crmhub-sqlite-prewarm"]


@pytest.mark.parametrize("command", [("import", "csv", "{file}"), ("identity", "rebuild")])
def test_commands_that_resolve_many_records_preload_a_sqlite_store(
    run_cli, tmp_path: Path, database: Database, caplog: pytest.LogCaptureFixture, command
) -> None:
    path = _file(tmp_path, PEOPLE)
    with caplog.at_level(logging.INFO, logger="core.sqlite_prewarm"):
        result = run_cli(*(part.format(file=path) for part in command))
        assert result.exit_code == 0, result.output
        for thread in _preloads():
            thread.join(timeout=30)
    store = database.sqlite_file
    if store is None:  # PostgreSQL: nothing to read
        assert "preloaded" not in caplog.text
    else:
        assert f" MB of {store} in " in caplog.text


def test_the_preload_setting_is_honoured_by_commands(
    run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("CRMHUB_SQLITE_PREWARM", "off")
    with caplog.at_level(logging.INFO, logger="core.sqlite_prewarm"):
        assert run_cli("import", "csv", _file(tmp_path, PEOPLE)).exit_code == 0
    assert _preloads() == []
    assert "preloaded" not in caplog.text
