"""Who is calling: lets an integrator check a token before using it."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from web.api.blueprint import ApiBlueprint
from web.api.schemas import TokenIdentitySchema
from web.api.tokens import current_client, token_required

blueprint = ApiBlueprint("identity", __name__, url_prefix="/api/v1", description="The caller")


@blueprint.route("/me")
@token_required(blueprint)
@blueprint.response(200, TokenIdentitySchema)
def me() -> dict[str, Any]:
    """The name, role and prefix of the token sent with the request."""
    return asdict(current_client())
