"""The unauthenticated health probe for load balancers and container health checks."""

from __future__ import annotations

from typing import Any

from web.api.blueprint import ApiBlueprint
from web.api.schemas import HealthSchema
from web.context import hub
from web.health import public_health
from worker.health import collect_health

blueprint = ApiBlueprint("system", __name__, url_prefix="/api/v1", description="Service state")


@blueprint.route("/health")
@blueprint.response(200, HealthSchema, description="The database answers")
@blueprint.alt_response(503, schema=HealthSchema, description="The database does not answer")
def health() -> tuple[dict[str, Any], int]:
    """Database, broker, live workers and queue depths.

    200 while the database answers, even when the broker or the workers do not (status
    "degraded"), so a web node is not taken out of rotation for a worker problem.
    """
    state = collect_health(hub().settings, hub().database)
    return public_health(state), 200 if state.database.ok else 503
