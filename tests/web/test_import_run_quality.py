"""The import run page shows the file's data quality and the external ids it repeats."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from core.db import Database
from core.erasure import erase_customer
from core.models import Customer
from tests.web.helpers import make_user, sign_in
from tests.web.test_imports_page import runs, upload
from worker import runtime
from worker.tasks.imports import import_upload

ADMIN = "ada@example.com"
ROWS = (
    b"external_id,given_name,family_name,emails,phones\n"
    b"c-1,Ann,Lee,info@acme.example.com,+44 20 7946 0958\n"
    b"c-2,Bob,Smith,bob@gmail.com,12\n"
    b"c-1,Ann,Lee,ann.at.example.com,\n"
)


@pytest.fixture
def admin_client(client: FlaskClient, database: Database) -> Iterator[FlaskClient]:
    make_user(database, ADMIN, "admin")
    sign_in(client, ADMIN)
    yield client
    try:
        bound = runtime.current()
    except RuntimeError:
        return
    bound.database.dispose()


def test_the_run_page_lists_quality_counts_and_repeated_ids(
    admin_client: FlaskClient, database: Database
) -> None:
    upload(admin_client, ROWS)
    [run] = runs(database)
    import_upload.run(run.id)

    page = admin_client.get(f"/imports/{run.id}").text
    quality = page.split('id="data-quality"', 1)[1].split("</section>", 1)[0]
    emails = quality.split("<td>Emails</td>", 1)[1].split("</tr>", 1)[0]
    assert [cell.split("</td>")[0] for cell in emails.split('class="num">')[1:]] == [
        "3",
        "2",
        "1",
    ]
    assert "not a valid email address: 1" in emails
    assert "role addresses: 1" in emails
    assert "free-mail: 1" in emails
    assert "too short: 1" in quality.split("<td>Phones</td>", 1)[1].split("</tr>", 1)[0]

    repeats = page.split('id="repeated-ids"', 1)[1].split("</section>", 1)[0]
    assert '<td class="num line">4</td><td class="num line">2</td><td>c-1</td>' in repeats
    assert '<p class="tile-number" data-count="repeated_ids">1</p>' in page

    live = admin_client.get(f"/ui/imports/{run.id}.json").get_json()
    assert live["counts"]["repeated_ids"] == 1


def test_rows_of_an_erased_person_are_counted_on_the_run_page(
    admin_client: FlaskClient, database: Database
) -> None:
    upload(admin_client, ROWS)
    [run] = runs(database)
    import_upload.run(run.id)
    with database.session() as session:
        customer_id = session.scalar(select(Customer.id).where(Customer.full_name == "Bob Smith"))
        assert customer_id is not None
        erase_customer(session, customer_id, actor="test")
    upload(admin_client, ROWS)
    second = runs(database)[-1]
    import_upload.run(second.id)

    page = admin_client.get(f"/imports/{second.id}").text
    tile = page.split("Erased people left out", 1)[1]
    assert 'data-count="suppressed">1<' in tile
