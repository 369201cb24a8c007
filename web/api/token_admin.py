"""API tokens over the API (admin tokens): list, create (the token shown once), revoke.

Only a token's SHA-256 is stored, so the plaintext exists in the create's answer alone.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_smorest import abort
from sqlalchemy import select

from core.accounts import AccountError, create_api_token
from core.models import ROLES, ApiToken, utcnow
from web.api.auditing import record_api_action
from web.api.blueprint import ApiBlueprint
from web.api.routes import id_param
from web.api.tokens import token_required
from web.context import hub
from web.text import as_sentence

blueprint = ApiBlueprint("tokens", __name__, url_prefix="/api/v1", description="API tokens")


class TokenSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    role = ma.fields.String(required=True, validate=ma.validate.OneOf(ROLES))
    prefix = ma.fields.String(required=True, metadata={"description": "To tell tokens apart"})
    created_at = ma.fields.AwareDateTime(required=True)
    last_used_at = ma.fields.AwareDateTime(required=True, allow_none=True)
    revoked_at = ma.fields.AwareDateTime(required=True, allow_none=True)


class NewTokenSchema(ma.Schema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    role = ma.fields.String(load_default="rep", validate=ma.validate.OneOf(ROLES))


class CreatedTokenSchema(TokenSchema):
    token = ma.fields.String(
        required=True, metadata={"description": "The bearer token (crm_...): shown this once"}
    )


@blueprint.route("/tokens")
@token_required(blueprint, admin=True)
@blueprint.response(200, TokenSchema(many=True))
def tokens() -> list[ApiToken]:
    """Every token, revoked ones included, oldest first (never the token itself)."""
    with hub().database.session() as db:
        return list(db.scalars(select(ApiToken).order_by(ApiToken.id)))


@blueprint.route("/tokens", methods=["POST"])
@token_required(blueprint, admin=True)
@blueprint.arguments(NewTokenSchema)
@blueprint.response(201, CreatedTokenSchema)
def create(request: dict[str, Any]) -> dict[str, Any]:
    """A new token; its plaintext is in this answer and nowhere else, ever."""
    with hub().database.session() as db:
        try:
            row, plaintext = create_api_token(db, request["name"], request["role"])
        except AccountError as exc:
            message = as_sentence(str(exc))
            abort(422, message=message, errors={"json": {"name": [message]}})
        details = {"name": row.name, "role": row.role, "prefix": row.prefix}
        record_api_action(db, "api_token.created", target=f"token {row.id}", details=details)
        body = {name: getattr(row, name) for name in TokenSchema().fields}
    return {**body, "token": plaintext}


@blueprint.route(f"/tokens/{id_param('token_id')}", methods=["DELETE"])
@token_required(blueprint, admin=True)
@blueprint.response(204)
@blueprint.alt_response(404, response="NOT_FOUND")
def revoke(token_id: int) -> None:
    """Revoke a token at once (revoking a revoked token changes nothing)."""
    with hub().database.session() as db:
        row = db.get(ApiToken, token_id)
        if row is None:
            abort(404, message=f"Token {token_id} does not exist.")
        if row.revoked_at is None:
            row.revoked_at = utcnow()
            details = {"name": row.name, "prefix": row.prefix}
            record_api_action(db, "api_token.revoked", target=f"token {row.id}", details=details)
