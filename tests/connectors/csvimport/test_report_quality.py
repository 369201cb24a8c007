"""The import report's data-quality counts and the external ids a file repeats."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from connectors.csvimport import import_csv
from core.db import Database
from core.models import SourceRecord
from tests.connectors.csvimport.files import write

QUALITY = (
    "given_name,email,phone,company_domain,country\n"
    "Ann,ann@gmail.com; sales@acme.example.com,+44 20 7946 0958,acme.example.com,GB\n"
    "Bob,bob.at.example.com,12,,GB\n"
    "Cy,cy@localhost,call me,,US\n"
    ",not-an-address,,,\n"
)


def test_emails_phones_and_domains_are_counted_with_reasons_and_flags(
    database: Database, tmp_path: Path
) -> None:
    report = import_csv(database, write(tmp_path, QUALITY))
    quality = report.to_dict()["quality"]
    assert quality["email"] == {
        "seen": 5,
        "valid": 2,
        "invalid": 3,
        "reasons": {"not a valid email address": 2, "domain has no dot": 1},
        "flags": {"freemail": 1, "role": 1},
    }
    assert quality["phone"] == {
        "seen": 3,
        "valid": 1,
        "invalid": 2,
        "reasons": {"too short": 1, "not a phone number": 1},
    }
    assert quality["company_domain"]["valid"] == 1
    assert report.bad_rows == 1  # the refused row's email still counts as invalid


def test_a_repeated_external_id_is_reported_with_both_lines_and_the_later_row_wins(
    database: Database, tmp_path: Path
) -> None:
    rows = (
        "external_id,given_name,family_name,email\n"
        "a-1,Ann,Lee,ann@example.com\n"
        "b-2,Bob,Smith,bob@example.com\n"
        "c-3,Cy,Young,cy@example.com\n"
        "a-1,Ann,Lee-Young,ann@example.com\n"
    )
    report = import_csv(database, write(tmp_path, rows), page_size=2)  # across pages
    assert report.repeated_ids == 1
    assert [str(repeat) for repeat in report.repeats] == [
        "line 5: external id 'a-1' is also on line 2; the later row's values were kept"
    ]
    assert report.to_dict()["repeats"][0]["first_line"] == 2
    with database.session() as session:
        mapped = session.scalar(
            select(SourceRecord.mapped).where(SourceRecord.external_id == "a-1")
        )
    assert mapped["family_name"] == "Lee-Young"


def test_a_copied_row_without_an_id_is_reported_as_the_same_row(
    database: Database, tmp_path: Path
) -> None:
    rows = "given_name,email\nAnn,ann@example.com\nBob,bob@example.com\nAnn,ann@example.com\n"
    report = import_csv(database, write(tmp_path, rows))
    assert [str(repeat) for repeat in report.repeats] == ["line 4: the same row as line 2"]
    assert report.actions["unchanged"] == 1


def test_a_second_import_of_the_same_file_repeats_nothing(
    database: Database, tmp_path: Path
) -> None:
    path = write(tmp_path, "external_id,given_name\n1,Ann\n2,Bob\n")
    import_csv(database, path)
    assert import_csv(database, path).repeated_ids == 0
