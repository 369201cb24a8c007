"""The REST API under /api/v1, documented at /api/v1/openapi.json."""

from __future__ import annotations

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from web.api import audit, customers, identity, system
from web.api.spec import ProblemApi

BLUEPRINTS = (system.blueprint, identity.blueprint, customers.blueprint, audit.blueprint)


def install(app: Flask, csrf: CSRFProtect) -> ProblemApi:
    """Register the API; bearer tokens, not cookies, authenticate it, so no CSRF."""
    api = ProblemApi(app)
    api.declare_bearer_scheme()
    for blueprint in BLUEPRINTS:
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint)
    return api
