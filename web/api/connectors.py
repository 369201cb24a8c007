"""Connectors over the API: what is connected, how its syncs went, and starting a sync."""

from __future__ import annotations

from typing import Any

from flask_smorest import abort
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import Connector, SyncRun
from web.api.auditing import record_api_action
from web.api.blueprint import ApiBlueprint
from web.api.connector_schemas import ConnectorSchema, SyncQueuedSchema
from web.api.routes import id_param
from web.api.sync_trigger import SyncRefused, queue_sync, send_runs, stream_names
from web.api.tokens import token_required
from web.context import hub

blueprint = ApiBlueprint("connectors", __name__, url_prefix="/api/v1", description="Connectors")
CONNECTOR = f"/connectors/{id_param('connector_id')}"


@blueprint.route("/connectors")
@token_required(blueprint)
@blueprint.response(200, ConnectorSchema(many=True))
def connectors() -> list[dict[str, Any]]:
    """Every connector with its status, last error and latest sync run."""
    with hub().database.session() as db:
        rows = db.scalars(select(Connector).order_by(Connector.id)).all()
        return _bodies(db, rows)


@blueprint.route(CONNECTOR)
@token_required(blueprint)
@blueprint.response(200, ConnectorSchema)
@blueprint.alt_response(404, response="NOT_FOUND")
def connector(connector_id: int) -> dict[str, Any]:
    """One connector's status, last error and latest sync run."""
    with hub().database.session() as db:
        return _bodies(db, [_get(db, connector_id)])[0]


@blueprint.route(f"{CONNECTOR}/sync", methods=["POST"])
@token_required(blueprint, admin=True)
@blueprint.response(202, SyncQueuedSchema, description="Runs queued for the workers")
@blueprint.alt_response(404, response="NOT_FOUND")
@blueprint.alt_response(409, response="CONFLICT", description="Nothing to pull, or busy")
def sync(connector_id: int) -> dict[str, Any]:
    """Queue a sync of every stream of the connector (kinds whose data is pushed: 409)."""
    with hub().database.session() as db:
        try:
            runs = queue_sync(db, _get(db, connector_id))
        except SyncRefused as exc:
            abort(409, message=str(exc))
        details = {"sync_run_ids": [run.id for run in runs]}
        record_api_action(
            db, "connector.sync_requested", target=f"connector {connector_id}", details=details
        )
    send_runs(connector_id, [run.id for run in runs])
    return {"connector_id": connector_id, "runs": runs}


def _get(db: Session, connector_id: int) -> Connector:
    found = db.get(Connector, connector_id)
    if found is None:
        abort(404, message=f"Connector {connector_id} does not exist.")
    return found


def _bodies(db: Session, rows: list[Connector]) -> list[dict[str, Any]]:
    latest = _latest_runs(db, [row.id for row in rows])
    return [
        {
            "id": row.id,
            "kind": row.kind,
            "name": row.name,
            "status": row.status,
            "last_error": row.last_error,
            "streams": list(stream_names(row.kind)),
            "last_sync": latest.get(row.id),
            "created_at": row.created_at,
            "updated_at": row.updated_at,
        }
        for row in rows
    ]


def _latest_runs(db: Session, connector_ids: list[int]) -> dict[int, SyncRun]:
    if not connector_ids:
        return {}
    newest = (
        select(func.max(SyncRun.id))
        .where(SyncRun.connector_id.in_(connector_ids))
        .group_by(SyncRun.connector_id)
    )
    runs = db.scalars(select(SyncRun).where(SyncRun.id.in_(newest)))
    return {run.connector_id: run for run in runs}
