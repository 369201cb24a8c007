"""explain_customer: golden values with sources, records with their links, merge history."""

import pytest

from core.db import Database
from core.identity import CustomerNotFound, explain_customer, merge_customers
from tests.core.identity.support import ingest


def test_everything_about_a_customer(database: Database, sources: list[int]) -> None:
    ann = ingest(
        database, sources[0], "c1", full_name="Ann Lee", emails=["ann@acme.com"], job_title="CTO"
    )
    linked = ingest(database, sources[1], "z1", emails=["ann@acme.com"], phones=["+14155550100"])
    other = ingest(database, sources[2], "f1", full_name="Bea Stone", emails=["bea@stone.example"])
    with database.session() as session:
        merge_customers(
            session, ann.customer_id, other.customer_id, actor="admin@x.com", reason="same person"
        )
        explained = explain_customer(session, ann.customer_id)
        gone = explain_customer(session, other.customer_id)
    assert explained["id"] == ann.customer_id
    assert explained["golden"]["job_title"]["value"] == "CTO"
    assert explained["golden"]["job_title"]["source"] == {
        "connector_id": sources[0],
        "connector_kind": "csvimport",
        "external_id": "c1",
    }
    assert explained["golden"]["phones"]["source_record_id"] == linked.source_record_id
    records = {r["external_id"]: r for r in explained["source_records"]}
    assert set(records) == {"c1", "z1", "f1"}
    assert records["z1"]["link_rule"] == "email"
    assert records["z1"]["link_explanation"] == linked.explanation
    [merge] = explained["merges"]
    assert (merge["loser_id"], merge["actor"], merge["reason"]) == (
        other.customer_id,
        "admin@x.com",
        "same person",
    )
    assert merge["source_record_ids"] == [other.source_record_id]
    assert gone["merged_into_id"] == ann.customer_id
    assert gone["source_records"] == []
    assert gone["merges"] == explained["merges"]


def test_an_unknown_customer(database: Database) -> None:
    with (
        database.session() as session,
        pytest.raises(CustomerNotFound, match="customer 5 does not exist"),
    ):
        explain_customer(session, 5)
