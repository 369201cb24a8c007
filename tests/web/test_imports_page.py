"""The CSV upload page: checks before storing, the queued job, and the run's report."""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from core.db import Database
from core.models import AuditEntry, Connector, SourceRecord, SyncRun
from core.settings import Settings
from tests.web.helpers import csrf_from, make_user, sign_in
from worker import runtime
from worker.queues import queue_depths
from worker.tasks.imports import import_upload, upload_paths

ADMIN = "ada@example.com"
PEOPLE = (
    b"given_name,family_name,emails,phones\n"
    b"Ann,Lee,ann@example.com,+44 7700 900123\n"
    b"Bob,Smith\n"
    b"Cy,Moe,cy@example.com,12\n"
)
BAD_MAPPING = "version: 1\ntarget: customer\nfields:\n  surname: {from: Surname}\n"
GOOD_MAPPING = (
    "version: 1\ntarget: customer\nfields:\n"
    "  given_name: {from: First}\n  emails: {from: Mail}\n  external_id: {from: Id}\n"
)


@pytest.fixture
def admin_client(client: FlaskClient, database: Database) -> Iterator[FlaskClient]:
    make_user(database, ADMIN, "admin")
    sign_in(client, ADMIN)
    yield client
    try:
        bound = runtime.current()  # bound by the first upload, for the task to run here
    except RuntimeError:
        return
    bound.database.dispose()


def upload(
    client: FlaskClient, content: bytes, name: str = "people.csv", **fields: str
) -> tuple[int, str, dict[str, str]]:
    token = csrf_from(client.get("/imports").text)
    data = {"csrf_token": token, "file": FileStorage(BytesIO(content), name), **fields}
    response = client.post("/imports", data=data, content_type="multipart/form-data")
    return response.status_code, response.text, dict(response.headers)


def runs(database: Database) -> list[SyncRun]:
    with database.session() as session:
        return list(session.scalars(select(SyncRun).order_by(SyncRun.id)))


def test_an_upload_is_stored_queued_and_reported(
    admin_client: FlaskClient, database: Database, settings: Settings
) -> None:
    status, _, headers = upload(admin_client, PEOPLE)

    assert status == 302
    [run] = runs(database)
    assert headers["Location"] == f"/imports/{run.id}"
    assert (run.status, run.counts) == ("queued", {"filename": "people.csv"})
    assert upload_paths(settings.data_dir, run.id)[0].read_bytes() == PEOPLE
    assert queue_depths(settings.broker_url)["ingest"] == 1
    with database.session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "import.started"))
        audit = entry.one()
    assert (audit.actor, audit.target) == (ADMIN, f"import {run.id}")
    assert audit.details == {
        "filename": "people.csv",
        "bytes": len(PEOPLE),
        "source": "CSV import",
        "custom_mapping": False,
    }
    queued = admin_client.get(f"/imports/{run.id}").text
    assert "The file was uploaded; its import has been queued." in queued
    assert ">Queued</span>" in queued
    assert 'data-finished="false"' in queued
    assert "imports.js" in queued

    import_upload.run(run.id)  # what the worker does with the queued message

    page = admin_client.get(f"/imports/{run.id}").text
    assert ">Finished</span>" in page
    assert 'data-finished="true"' in page
    assert '<p class="tile-number" data-count="created">2</p>' in page
    assert '<p class="tile-number" data-count="bad_rows">1</p>' in page
    bad = page.split('id="bad-rows"', 1)[1].split("</section>", 1)[0]
    assert '<td class="num line">3</td><td>2 values but the header has 4 columns</td>' in bad
    flagged = page.split('id="flagged-rows"', 1)[1].split("</section>", 1)[0]
    assert '<td class="num line">4</td>' in flagged
    assert "phones[0] left out" in flagged


def test_the_json_twin_reports_progress(admin_client: FlaskClient, database: Database) -> None:
    upload(admin_client, PEOPLE)
    [run] = runs(database)

    queued = admin_client.get(f"/ui/imports/{run.id}.json").get_json()
    import_upload.run(run.id)
    done = admin_client.get(f"/ui/imports/{run.id}.json").get_json()

    assert (queued["status"], queued["finished"], queued["done"], queued["percent"]) == (
        "queued",
        False,
        0,
        0,
    )
    assert (done["status"], done["finished"], done["done"], done["total"]) == (
        "succeeded",
        True,
        3,
        3,
    )
    assert done["percent"] == 100
    assert done["counts"]["created"] == 2
    assert done["counts"]["bad_rows"] == 1
    assert done["status_label"] == "Finished"


def test_a_custom_mapping_and_source_are_used(
    admin_client: FlaskClient, database: Database
) -> None:
    content = b"Id,First,Mail\nC-1,Ann,ann@example.com\n"

    status, _, _ = upload(admin_client, content, mapping=GOOD_MAPPING, source="Trade show")
    [run] = runs(database)
    import_upload.run(run.id)

    assert status == 302
    with database.session() as session:
        connector = session.scalars(select(Connector).where(Connector.kind == "csvimport")).one()
        record = session.scalars(select(SourceRecord)).one()
    assert connector.name == "Trade show"
    assert record.external_id == "C-1"
    listing = admin_client.get("/imports").text
    assert "Trade show" in listing
    assert f'href="/imports/{run.id}">people.csv</a>' in listing


def test_a_bad_mapping_is_refused_with_field_and_reason(
    admin_client: FlaskClient, database: Database, settings: Settings
) -> None:
    status, page, _ = upload(admin_client, PEOPLE, mapping=BAD_MAPPING)

    assert status == 400
    assert "The mapping document cannot be used; nothing was stored:" in page
    assert "<code>fields.surname</code>" in page
    assert "unknown customer field" in page
    assert runs(database) == []
    assert not (Path(settings.data_dir) / "uploads").exists()
    with database.session() as session:
        assert (
            session.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == "import.started")
            )
            == 0
        )


def test_an_upload_needs_a_file(admin_client: FlaskClient, database: Database) -> None:
    token = csrf_from(admin_client.get("/imports").text)

    response = admin_client.post("/imports", data={"csrf_token": token})

    assert response.status_code == 400
    assert "Choose a CSV file to upload." in response.text
    assert runs(database) == []


def test_an_oversize_upload_is_refused_before_it_is_read(
    admin_client: FlaskClient, database: Database
) -> None:
    status, page, _ = upload(admin_client, b"x" * (22 * 1024 * 1024))

    assert status == 413
    assert "The file is larger than the 20 MB an upload may have." in page
    assert runs(database) == []


def test_a_file_over_the_limit_is_refused_even_in_a_small_request(
    admin_client: FlaskClient, database: Database
) -> None:
    admin_client.application.config["MAX_UPLOAD_BYTES"] = 1024 * 1024

    status, page, _ = upload(admin_client, b"a,b\n" + b"x" * (1024 * 1024))

    assert status == 413
    assert "The file is larger than the 1 MB an upload may have." in page
    assert runs(database) == []


def test_an_unknown_run_is_404(admin_client: FlaskClient) -> None:
    page = admin_client.get("/imports/999")
    data = admin_client.get("/ui/imports/999.json")

    assert page.status_code == 404
    assert "There is no CSV import 999." in page.text
    assert (data.status_code, data.mimetype) == (404, "application/problem+json")


def test_runs_of_other_connectors_are_not_imports(
    admin_client: FlaskClient, database: Database
) -> None:
    with database.session() as session:
        mailbox = Connector(kind="gmail", name="Mailbox")
        session.add(mailbox)
        session.flush()
        run = SyncRun(connector_id=mailbox.id, stream="messages")
        session.add(run)
        session.flush()
        run_id = run.id

    assert admin_client.get(f"/imports/{run_id}").status_code == 404
    assert "No file has been imported yet." in admin_client.get("/imports").text


def test_a_rep_cannot_import(client: FlaskClient, database: Database) -> None:
    make_user(database, "rita@example.com", "rep")
    sign_in(client, "rita@example.com")
    token = csrf_from(client.get("/customers").text)

    assert client.get("/imports").status_code == 403
    assert client.get("/imports/1").status_code == 403
    assert client.get("/ui/imports/1.json").status_code == 403
    data = {"csrf_token": token, "file": FileStorage(BytesIO(PEOPLE), "p.csv")}
    assert client.post("/imports", data=data).status_code == 403
    assert runs(database) == []


def test_admins_see_review_and_imports_in_the_navigation(admin_client: FlaskClient) -> None:
    page = admin_client.get("/imports").text

    assert '<a href="/imports" class="active" aria-current="page">Imports</a>' in page
    assert '<a href="/review">Review</a>' in page
    assert '<a href="/customers">Customers</a>' in page
