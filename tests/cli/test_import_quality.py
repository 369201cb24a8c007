"""``crmhub import csv`` reports the file's data quality and external ids it repeats."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from core.db import Database
from web.cli.main import cli

ROWS = (
    "external_id,given_name,family_name,email,phone,country\n"
    "c-1,Ann,Lee,info@acme.example.com,020 7946 0958,GB\n"
    "c-2,Bob,Smith,bob@gmail.com,12,GB\n"
    "c-1,Ann,Lee-Smith,ann@gmail.com,,GB\n"
    "c-3,Cy,Young,cy@localhost,,US\n"
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


def test_the_report_counts_invalid_role_and_free_mail_values(run_cli, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text(ROWS, encoding="utf-8")
    result = run_cli("import", "csv", str(path))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    start = lines.index("data quality:")
    assert lines[start + 1 : start + 3] == [
        "  emails: 4 seen, 3 valid, 1 invalid (domain has no dot: 1);"
        " role addresses: 1, free-mail: 2",
        "  phones: 2 seen, 1 valid, 1 invalid (too short: 1)",
    ]


def test_a_repeated_external_id_is_a_warning_naming_both_lines(run_cli, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text(ROWS, encoding="utf-8")
    result = run_cli("import", "csv", str(path))
    assert result.exit_code == 0, result.output
    assert (
        "warning: line 4: external id 'c-1' is also on line 2; the later row's values were kept"
    ) in result.stdout.splitlines()
    assert "  updated                           1" in result.stdout.splitlines()
