"""One row through the mapping: bad values flagged and left out, ids stable, headers matched."""

from __future__ import annotations

import pytest

from connectors.base import SourceItem
from connectors.csvimport import CsvFileError, load_mapping
from connectors.csvimport.columns import match_columns
from connectors.csvimport.rows import RefusedRow, prepare_row, row_key
from mapping import InvalidMapping

DEFAULT, _ = load_mapping(None)


def _prepare(payload: dict[str, str]):
    return prepare_row(SourceItem(payload, None, 7), DEFAULT, {})


def test_an_invalid_email_is_left_out_and_noted_while_the_row_imports() -> None:
    row = _prepare({"given_name": "Ann", "email": "ann.at.example.com; ann@example.com"})
    assert row.mapped["emails"] == ["ann@example.com"]
    assert row.notes == ("emails[0] left out: Not a valid email address.",)
    assert row.raw["email"] == "ann.at.example.com; ann@example.com"
    assert row.line == 7


def test_a_phone_that_is_not_a_number_is_left_out_but_a_national_one_is_kept() -> None:
    row = _prepare({"given_name": "Ann", "phone": "12; call me; 020 7946 0958; +44 12"})
    assert row.mapped["phones"] == ["020 7946 0958"]
    assert row.notes == (
        "phones[0] left out: too short",
        "phones[1] left out: not a phone number",
        "phones[3] left out: too short",
    )


def test_the_row_country_reads_national_numbers() -> None:
    row = _prepare({"given_name": "Ann", "phone": "020 7946 095", "country": "GB"})
    assert "phones" not in row.mapped
    assert row.notes == ("phones[0] left out: not a valid number for its region",)


def test_a_row_with_nothing_identifying_is_refused_with_the_reasons() -> None:
    with pytest.raises(RefusedRow) as refused:
        _prepare({"email": "not-an-address", "company": "Acme"})
    assert str(refused.value) == (
        "nothing identifies a person: no name, valid email or valid phone; "
        "emails[0] left out: Not a valid email address."
    )


def test_the_external_id_column_is_the_id_else_a_stable_content_hash() -> None:
    assert _prepare({"given_name": "Ann", "external_id": " 17 "}).external_id == "17"
    first = _prepare({"given_name": "Ann", "email": "ann@example.com", "city": ""})
    second = _prepare({"email": " ann@example.com ", "given_name": "Ann"})
    assert (
        first.external_id
        == second.external_id
        == row_key({"given_name": "Ann  ", "email": "ann@example.com"})
    )
    assert first.external_id.startswith("row:")
    assert (
        _prepare({"given_name": "Anne", "email": "ann@example.com"}).external_id
        != first.external_id
    )


def test_loose_headers_with_the_shipped_mapping() -> None:
    columns = match_columns(
        ("Email", "Job Title", "postal-code", "Notes", "Fax"), DEFAULT, loose=True
    )
    assert columns.rename == {
        "Email": "email",
        "Job Title": "job_title",
        "postal-code": "postal_code",
        "Notes": "Notes",
        "Fax": "Fax",
    }
    assert columns.unknown == ("Notes", "Fax")


def test_a_first_row_the_mapping_cannot_read_is_not_a_header() -> None:
    with pytest.raises(CsvFileError, match="the first row is not a header the mapping can read"):
        match_columns(("Ann", "ann@example.com", "+44 20 7946 0958"), DEFAULT, loose=True)


def test_a_custom_mapping_reads_its_columns_exactly() -> None:
    mapping, loose = load_mapping(
        {"version": 1, "target": "customer", "fields": {"emails": {"from": "E-Mail"}}}
    )
    assert loose is False
    columns = match_columns(("E-Mail", "email"), mapping, loose=False)
    assert columns.unknown == ("email",)


def test_a_mapping_for_activities_is_refused() -> None:
    document = {
        "version": 1,
        "target": "activity",
        "fields": {
            "type": {"value": "note"},
            "occurred_at": "when",
            "external_id": "id",
        },
    }
    with pytest.raises(InvalidMapping) as refused:
        load_mapping(document)
    assert [str(error) for error in refused.value.errors] == [
        "target: a CSV import needs a customer mapping, not 'activity'"
    ]


def test_a_default_region_reads_national_numbers_without_a_country() -> None:
    item = SourceItem({"given_name": "Ann", "phone": "020 7946 095; 020 7946 0958"}, None, 2)
    row = prepare_row(item, DEFAULT, {}, default_region="GB")
    assert row.mapped["phones"] == ["+442079460958"]
    assert row.notes == ("phones[0] left out: not a valid number for its region",)
