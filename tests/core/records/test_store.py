"""Golden records in the database: lineage, pins, flat columns and companies."""

import pytest
from sqlalchemy import event, insert, select

from core.db import Database
from core.models import Company, Customer, OutboxEvent, SourceRecord
from core.records import (
    CustomerNotFound,
    IdentityError,
    UnknownField,
    pin_field,
    recompute_golden,
    unpin_field,
)
from core.records.companies import ensure_companies
from tests.core.identity.support import event_types, golden_values, ingest, make_connectors


@pytest.fixture
def sources(database: Database) -> list[int]:
    return make_connectors(database, "csvimport", "zendesk")


def test_golden_values_know_their_source_record(database: Database, sources: list[int]) -> None:
    first = ingest(
        database,
        sources[0],
        "c1",
        given_name="Ann",
        family_name="Lee",
        emails=["ann@acme.com"],
        job_title="Engineer",
    )
    second = ingest(database, sources[1], "z1", emails=["ann@acme.com"], job_title="CTO")
    assert second.customer_id == first.customer_id
    with database.session() as session:
        golden = session.get(Customer, first.customer_id).golden
    assert golden["job_title"]["value"] == "CTO"
    assert golden["job_title"]["source_record_id"] == second.source_record_id
    assert golden["given_name"]["source_record_id"] == first.source_record_id
    assert golden["job_title"]["rule"] == "most_recent"
    assert golden["job_title"]["changed_at"] >= golden["given_name"]["changed_at"]


def test_flat_columns_follow_the_golden_record(database: Database, sources: list[int]) -> None:
    result = ingest(
        database,
        sources[0],
        "c1",
        full_name="Ann Lee",
        emails=["Ann@Acme.com"],
        phones=["+44 20 7946 0958"],
    )
    with database.session() as session:
        customer = session.get(Customer, result.customer_id)
        assert (customer.full_name, customer.primary_email, customer.primary_phone) == (
            "Ann Lee",
            "ann@acme.com",
            "+442079460958",
        )


def test_known_companies_are_read_and_only_missing_ones_inserted(database: Database) -> None:
    with database.session() as session:
        first = ensure_companies(session, {"acme.com": "Acme", "gmail.com": "Gmail"})
    assert list(first) == ["acme.com"]  # free-mail never becomes a company
    statements: list[str] = []

    def note(conn, cursor, statement, *args) -> None:
        statements.append(statement.split()[0].upper())

    event.listen(database.engine, "before_cursor_execute", note)
    try:
        with database.session() as session:
            again = ensure_companies(session, {"acme.com": "ACME Inc."})
            assert [s for s in statements if s in ("SELECT", "INSERT")] == ["SELECT"]
            both = ensure_companies(session, {"acme.com": "", "globex.com": "Globex"})
            # the INSERT returns the new row's id: no SELECT after it
            assert [s for s in statements if s in ("SELECT", "INSERT")] == [
                "SELECT", "SELECT", "INSERT",
            ]  # fmt: skip
    finally:
        event.remove(database.engine, "before_cursor_execute", note)
    assert again == {"acme.com": first["acme.com"]}
    assert both["acme.com"] == first["acme.com"]
    with database.session() as session:
        names = dict(session.execute(select(Company.domain, Company.name)).all())
    assert names == {"acme.com": "Acme", "globex.com": "Globex"}  # a known name is kept


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_company_another_writer_creates_first_is_read_back(database: Database) -> None:
    """The insert finds the row made meanwhile (nothing returned): it is read, not lost."""

    def create_first(conn, cursor, statement, *args) -> None:
        if statement.startswith("INSERT INTO companies"):
            with other.engine.begin() as connection:
                connection.execute(insert(Company).values(domain="initech.com", name="Initech"))

    other = Database(database.engine.url.render_as_string(hide_password=False))
    event.listen(database.engine, "before_cursor_execute", create_first)
    try:
        with database.session() as session:
            found = ensure_companies(session, {"initech.com": "INITECH"})
    finally:
        event.remove(database.engine, "before_cursor_execute", create_first)
        other.dispose()
    with database.session() as session:
        rows = session.execute(select(Company.id, Company.name)).all()
    assert [(found["initech.com"], "Initech")] == [tuple(row) for row in rows]


def test_a_company_is_found_by_domain_and_never_from_free_mail(
    database: Database, sources: list[int]
) -> None:
    work = ingest(
        database,
        sources[0],
        "c1",
        full_name="Ann Lee",
        emails=["ann@acme.com"],
        company_name="Acme",
    )
    colleague = ingest(database, sources[0], "c2", full_name="Bo Chan", emails=["bo@www.acme.com"])
    private = ingest(
        database,
        sources[0],
        "c3",
        full_name="Cy Dee",
        emails=["cy@gmail.com"],
        company_domains=["gmail.com"],
    )
    with database.session() as session:
        customers = {c.id: c for c in session.scalars(select(Customer))}
        companies = list(session.scalars(select(Company)))
    assert [(c.domain, c.name) for c in companies] == [("acme.com", "Acme")]
    assert customers[work.customer_id].company_id == companies[0].id
    assert customers[colleague.customer_id].company_id == companies[0].id
    assert customers[private.customer_id].company_id is None


def test_a_pinned_edit_wins_and_is_announced(database: Database, sources: list[int]) -> None:
    result = ingest(database, sources[0], "c1", full_name="Ann Lee", job_title="Engineer")
    with database.session() as session:
        pin_field(session, result.customer_id, "job_title", "Chief of Staff", actor="admin@x.com")
    ingest(database, sources[0], "c1", full_name="Ann Lee", job_title="Director")
    values = golden_values(database, result.customer_id)
    assert values["job_title"] == "Chief of Staff"
    with database.session() as session:
        customer = session.get(Customer, result.customer_id)
        assert customer.golden["job_title"]["rule"] == "pinned"
        assert customer.golden["job_title"]["source_record_id"] is None
        assert customer.pinned["job_title"]["actor"] == "admin@x.com"
        update_event = session.scalars(
            select(OutboxEvent)
            .where(OutboxEvent.type == "customer.updated")
            .order_by(OutboxEvent.id)
        ).first()
    assert update_event.payload["changed"] == {"job_title": "Chief of Staff"}
    with database.session() as session:
        unpin_field(session, result.customer_id, "job_title", actor="admin@x.com")
    assert golden_values(database, result.customer_id)["job_title"] == "Director"


def test_pin_of_a_list_field_takes_a_list(database: Database, sources: list[int]) -> None:
    result = ingest(database, sources[0], "c1", full_name="Ann Lee", emails=["a@acme.com"])
    with database.session() as session:
        pin_field(session, result.customer_id, "emails", "boss@acme.com", actor="admin")
    with database.session() as session:
        customer = session.get(Customer, result.customer_id)
        assert customer.golden["emails"]["value"] == ["boss@acme.com"]
        assert customer.primary_email == "boss@acme.com"


def test_recompute_reports_changed_fields_and_bumps_the_version(
    database: Database, sources: list[int]
) -> None:
    result = ingest(database, sources[0], "c1", full_name="Ann Lee", job_title="Engineer")
    with database.session() as session:
        assert recompute_golden(session, result.customer_id) == set()
        record = session.get(SourceRecord, result.source_record_id)
        record.mapped = {**record.mapped, "job_title": "CTO"}
    with database.session() as session:
        assert recompute_golden(session, result.customer_id) == {"job_title"}
        assert session.get(Customer, result.customer_id).version == 2
    assert event_types(database, result.customer_id) == ["customer.created", "customer.updated"]


def test_errors_name_the_problem(database: Database, sources: list[int]) -> None:
    result = ingest(database, sources[0], "c1", full_name="Ann Lee")
    with database.session() as session:
        with pytest.raises(CustomerNotFound, match="customer 999 does not exist"):
            recompute_golden(session, 999)
        with pytest.raises(UnknownField, match="'shoe_size' is not a customer field"):
            pin_field(session, result.customer_id, "shoe_size", 44, actor="admin")
        with pytest.raises(IdentityError, match="takes a mapping"):
            pin_field(session, result.customer_id, "custom_fields", "x", actor="admin")
