"""import_csv end to end on both databases: rows become customers, problems are reported."""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from connectors.csvimport import CsvFileError, import_csv
from core.db import Database
from core.models import Connector, Customer, SourceRecord
from core.records import values_of
from mapping import InvalidMapping
from tests.connectors.csvimport.files import CANONICAL, write

CUSTOM_MAPPING = """\
version: 1
target: customer
fields:
  given_name: {from: First Name, transforms: [trim]}
  family_name: {from: Surname, optional: true}
  emails: {from: E-Mail, transforms: [lower]}
  phones: {from: Mobile, optional: true}
  company_name: {from: Org, optional: true}
  external_id: {from: Contact ID}
"""


def _customers(database: Database) -> list[dict[str, Any]]:
    with database.session() as session:
        rows = session.scalars(
            select(Customer).where(Customer.merged_into_id.is_(None)).order_by(Customer.id)
        )
        return [values_of(customer.golden) for customer in rows]


def _count(database: Database, model: type) -> int:
    with database.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _snapshot(database: Database) -> list[tuple]:
    with database.session() as session:
        records = session.execute(
            select(
                SourceRecord.external_id,
                SourceRecord.customer_id,
                SourceRecord.content_hash,
                SourceRecord.updated_at,
            ).order_by(SourceRecord.id)
        ).all()
        customers = session.execute(
            select(Customer.id, Customer.version, Customer.updated_at).order_by(Customer.id)
        ).all()
    return [tuple(row) for row in records] + [tuple(row) for row in customers]


def test_canonical_headers_import_with_no_mapping(database: Database, tmp_path: Path) -> None:
    report = import_csv(database, write(tmp_path, CANONICAL))
    assert (report.rows, report.imported, report.bad_rows, report.flagged_rows) == (3, 3, 0, 0)
    assert report.actions["created"] == 3
    assert (report.encoding, report.delimiter, report.warnings) == ("UTF-8", "comma", [])
    customers = _customers(database)
    assert [customer["emails"] for customer in customers] == [
        ["ann.lee@acme.example.com"],
        ["bob@smith-family.example.org"],
        ["zoe.mueller@beta.example.de"],
    ]
    assert customers[0]["phones"] == ["+442079460958"]
    assert (customers[2]["given_name"], customers[2]["family_name"]) == ("Zoë", "Müller")
    assert customers[2]["address"]["city"] == "Berlin"
    with database.session() as session:
        connector = session.scalars(select(Connector)).one()
        assert (connector.kind, connector.name) == ("csvimport", "CSV import")


@pytest.mark.parametrize(
    ("prepare_workers", "page_size"), [(0, 500), (1, 1)], ids=["one-process", "child-ahead"]
)
def test_importing_the_same_file_again_changes_nothing(
    database: Database, tmp_path: Path, prepare_workers: int, page_size: int
) -> None:
    path = write(tmp_path, CANONICAL)
    first = import_csv(database, path, page_size=page_size, prepare_workers=prepare_workers)
    assert first.actions["created"] == 3
    before = _snapshot(database)
    again = import_csv(database, path, page_size=page_size, prepare_workers=prepare_workers)
    assert again.actions == {"created": 0, "linked": 0, "updated": 0, "unchanged": 3, "review": 0}
    assert _snapshot(database) == before
    assert _count(database, Connector) == 1


@pytest.mark.parametrize(
    ("prepare_workers", "page_size"), [(0, 500), (1, 2)], ids=["one-process", "child-ahead"]
)
def test_bad_rows_are_reported_while_good_rows_import(
    database: Database, tmp_path: Path, prepare_workers: int, page_size: int
) -> None:
    content = (
        "given_name,family_name,email,phone\n"
        "Ann,Lee,ann@example.com,+44 20 7946 0958\n"
        "Bob,Smith\n"
        ",,not-an-email,\n"
        "Cy,Young,cy.at.example.com,+1 415 555 2671\n"
        "Di,Ross,di@example.com,call me\n"
        "Ed,Stone,ed@example.com,+44 20 7946 0959,extra\n"
    )
    children: list[int] = []
    report = import_csv(
        database,
        write(tmp_path, content),
        progress=lambda done, total: children.append(len(multiprocessing.active_children())),
        page_size=page_size,
        prepare_workers=prepare_workers,
    )
    assert max(children) == prepare_workers  # the next page was being prepared meanwhile
    assert multiprocessing.active_children() == []
    assert (report.rows, report.imported, report.bad_rows, report.flagged_rows) == (6, 3, 3, 2)
    assert [str(problem) for problem in report.problems] == [
        "line 3: not imported: 2 values but the header has 4 columns",
        "line 4: not imported: nothing identifies a person: no name, valid email or valid phone; "
        "emails[0] left out: Not a valid email address.",
        "line 5: imported without: emails[0] left out: Not a valid email address.",
        "line 6: imported without: phones[0] left out: not a phone number",
        "line 7: not imported: 5 values but the header has 4 columns",
    ]
    names = sorted(customer["given_name"] for customer in _customers(database))
    assert names == ["Ann", "Cy", "Di"]
    with database.session() as session:
        raw = session.scalars(select(SourceRecord.raw).order_by(SourceRecord.id)).all()
    assert raw[1]["email"] == "cy.at.example.com"  # kept as written, to fix at the source


def test_a_custom_mapping_reads_other_headers(database: Database, tmp_path: Path) -> None:
    content = (
        "Contact ID;First Name;Surname;E-Mail;Mobile;Org;Notes\n"
        "C-1;  Ann ;Lee;ANN@EXAMPLE.COM;+44 7700 900123;Acme;likes tea\n"
        "C-2;Bob;Smith;bob@example.com;;;\n"
    )
    report = import_csv(database, write(tmp_path, content), CUSTOM_MAPPING)
    assert (report.imported, report.delimiter) == (2, "semicolon")
    assert report.warnings == ["columns the mapping does not read were left out: Notes"]
    first = _customers(database)[0]
    assert (first["given_name"], first["emails"], first["company_name"]) == (
        "Ann",
        ["ann@example.com"],
        "Acme",
    )
    with database.session() as session:
        ids = session.scalars(select(SourceRecord.external_id).order_by(SourceRecord.id)).all()
    assert ids == ["C-1", "C-2"]


def test_a_bad_mapping_is_refused_whole_and_nothing_is_imported(
    database: Database, tmp_path: Path
) -> None:
    bad = CUSTOM_MAPPING.replace("family_name:", "surname:").replace("[lower]", "[shout]")
    with pytest.raises(InvalidMapping) as refused:
        import_csv(database, write(tmp_path, CANONICAL), bad)
    places = sorted(error.where for error in refused.value.errors)
    assert places == ["fields.emails.transforms[0]", "fields.surname"]
    assert all(error.message for error in refused.value.errors)
    assert (_count(database, Connector), _count(database, SourceRecord)) == (0, 0)


def test_a_file_without_a_header_imports_nothing(database: Database, tmp_path: Path) -> None:
    path = write(tmp_path, "Ann,Lee,ann@example.com\nBob,Smith,bob@example.com\n")
    with pytest.raises(CsvFileError, match="the first row is not a header"):
        import_csv(database, path)
    assert (_count(database, Connector), _count(database, SourceRecord)) == (0, 0)


def test_a_windows_1252_file_keeps_its_accents(database: Database, tmp_path: Path) -> None:
    path = write(tmp_path, CANONICAL.encode("cp1252", errors="replace"))
    report = import_csv(database, path)
    assert (report.encoding, report.imported) == ("Windows-1252 / Latin-1", 3)
    assert _customers(database)[2]["family_name"] == "Müller"


def test_progress_is_reported_page_by_page(database: Database, tmp_path: Path) -> None:
    rows = "".join(f"Person{n},Tester,p{n}@example.com\n" for n in range(7))
    calls: list[tuple[int, int]] = []
    path = write(tmp_path, "given_name,family_name,email\n" + rows + "Bad,Row\n")
    report = import_csv(
        database, path, progress=lambda done, total: calls.append((done, total)), page_size=3
    )
    assert (report.rows, report.imported, report.bad_rows) == (8, 7, 1)
    assert calls == [(0, 8), (3, 8), (6, 8), (8, 8)]


def test_sources_keep_their_external_ids_apart(database: Database, tmp_path: Path) -> None:
    crm = write(tmp_path, "external_id,given_name,email\n1,Ann,ann@example.com\n", "crm.csv")
    shop = write(tmp_path, "external_id,given_name,email\n1,Bob,bob@example.com\n", "shop.csv")
    import_csv(database, crm, source="CRM export")
    import_csv(database, shop, source="Shop export")
    with database.session() as session:
        names = session.scalars(select(Connector.name).order_by(Connector.id)).all()
    assert names == ["CRM export", "Shop export"]
    assert _count(database, SourceRecord) == 2
    assert sorted(customer["given_name"] for customer in _customers(database)) == ["Ann", "Bob"]
