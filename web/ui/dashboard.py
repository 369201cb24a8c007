"""The dashboard: system health, rendered once and then refreshed by static/dashboard.js."""

from __future__ import annotations

from flask import Response, current_app, jsonify, render_template
from flask_login import login_required

from web.context import hub
from web.health import dashboard_health
from web.ui.blueprint import blueprint
from worker.health import collect_health


def _current_health() -> dict[str, object]:
    return dashboard_health(collect_health(hub().settings, hub().database))


@blueprint.get("/")
@login_required
def dashboard() -> str:
    return render_template(
        "ui/dashboard.html",
        health=_current_health(),
        poll_seconds=current_app.config["HEALTH_POLL_SECONDS"],
    )


@blueprint.get("/ui/health.json")
@login_required
def health_json() -> Response:
    return jsonify(_current_health())
