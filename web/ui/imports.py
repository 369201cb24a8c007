"""CSV imports for admins: upload a file, then watch its import run in the background.

The upload is checked (size, mapping) before anything is stored; ``start_csv_import``
stores the file and a queued run and hands the work to a worker. The run's page is
rendered once and then kept current by static/imports.js polling its JSON twin.
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_smorest import abort
from kombu.exceptions import OperationalError as BrokerError
from werkzeug.wrappers import Response as BaseResponse

from mapping import InvalidMapping
from web.audit import record_action
from web.auth.roles import admin_required
from web.context import hub
from web.ui.blueprint import blueprint
from web.ui.import_forms import UploadForm
from web.ui.import_runs import ImportRun, find_run, recent_runs
from web.ui.jobs import job_queue
from worker.tasks.imports import start_csv_import

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
FORM_OVERHEAD_BYTES = 1024 * 1024  # the mapping text and multipart headers around the file
POLL_SECONDS = 1.0
BROKER_DOWN = (
    "The file was not imported: the job queue cannot be reached right now. "
    "Try again in a moment; the dashboard shows the broker's state."
)


def upload_limit() -> int:
    return int(current_app.config.get("MAX_UPLOAD_BYTES", MAX_UPLOAD_BYTES))


def too_large_message() -> str:
    megabytes = upload_limit() / (1024 * 1024)
    return (
        f"The file is larger than the {megabytes:g} MB an upload may have. "
        "Split it into smaller files and upload them one after the other."
    )


@blueprint.url_value_preprocessor
def limit_uploads(endpoint: str | None, _values: dict[str, Any] | None) -> None:
    """Refuse an oversize upload before its body is read.

    URL value preprocessors run before every before-request hook, so this comes ahead
    of the CSRF check, which would otherwise read the whole body first.
    """
    if endpoint != "ui.imports" or request.method != "POST":
        return
    ceiling = upload_limit() + FORM_OVERHEAD_BYTES
    request.max_content_length = ceiling
    if request.content_length is not None and request.content_length > ceiling:
        abort(413, message=too_large_message())


@blueprint.route("/imports", methods=["GET", "POST"])
@admin_required
def imports() -> BaseResponse | tuple[str, int]:
    form = UploadForm()
    problems: list[tuple[str, str]] = []
    if form.validate_on_submit():
        try:
            run_id = _start(form)
        except InvalidMapping as exc:
            problems = [(error.where, error.message) for error in exc.errors]
        else:
            flash("The file was uploaded; its import has been queued.", "success")
            return redirect(url_for("ui.import_run", run_id=run_id))
    with hub().database.session() as db:
        runs = recent_runs(db)
    status = 400 if form.is_submitted() else 200
    body = render_template(
        "imports/index.html",
        form=form,
        runs=runs,
        problems=problems,
        limit_mb=upload_limit() // (1024 * 1024),
    )
    return body, status


@blueprint.get("/imports/<int:run_id>")
@admin_required
def import_run(run_id: int) -> str:
    run = _run_or_404(run_id)
    poll = current_app.config.get("IMPORT_POLL_SECONDS", POLL_SECONDS)
    return render_template("imports/run.html", run=run, poll_seconds=poll)


@blueprint.get("/ui/imports/<int:run_id>.json")
@admin_required
def import_run_json(run_id: int) -> Response:
    return jsonify(_run_or_404(run_id).as_json())


def _run_or_404(run_id: int) -> ImportRun:
    with hub().database.session() as db:
        run = find_run(db, run_id)
    if run is None:
        abort(404, message=f"There is no CSV import {run_id}.")
    return run


def _start(form: UploadForm) -> int:
    """Read the file (within the limit), store it and queue it; audit the upload."""
    upload = form.file.data
    content = upload.read(upload_limit() + 1)
    if len(content) > upload_limit():
        abort(413, message=too_large_message())
    filename = upload.filename or "upload.csv"
    job_queue()
    try:
        run_id = start_csv_import(
            hub().database,
            hub().settings.data_dir,
            filename,
            content,
            form.mapping_document(),
            source=form.source_name(),
        )
    except BrokerError:
        abort(503, message=BROKER_DOWN)
    details = {"filename": filename, "bytes": len(content), "source": form.source_name()}
    details["custom_mapping"] = form.mapping_document() is not None
    with hub().database.session() as db:
        record_action(db, "import.started", target=f"import {run_id}", details=details)
    return run_id
