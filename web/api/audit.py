"""The audit log over the API, for admin tokens (e.g. to ship it to a SIEM)."""

from __future__ import annotations

from typing import Any

from web.api.blueprint import ApiBlueprint
from web.api.schemas import AuditEntrySchema
from web.api.tokens import token_required
from web.context import hub
from web.queries import audit_page

blueprint = ApiBlueprint("audit", __name__, url_prefix="/api/v1", description="Audit log")


@blueprint.route("/audit-log")
@token_required(blueprint, admin=True)
@blueprint.response(200, AuditEntrySchema(many=True))
@blueprint.paginate(page_size=50, max_page_size=500)
def audit_log(pagination_parameters: Any) -> list[Any]:
    """Admin actions, newest first; page and page_size select a slice."""
    with hub().database.session() as db:
        listing = audit_page(db, pagination_parameters.page, pagination_parameters.page_size)
    pagination_parameters.item_count = listing.total
    return listing.entries
