"""The REST API under /api/v1, documented at /api/v1/openapi.json."""

from __future__ import annotations

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from web.api import (
    activities,
    audit,
    connectors,
    customer_identity,
    customer_writes,
    customers,
    events,
    identity,
    system,
    token_admin,
    webhook_deliveries,
    webhook_endpoints,
)
from web.api.spec import ProblemApi
from web.api.tokens import add_rate_headers

# These modules add routes to the blueprints above when imported.
ROUTE_MODULES = (customer_writes, customer_identity, webhook_deliveries)
BLUEPRINTS = (
    system.blueprint,
    identity.blueprint,
    customers.blueprint,
    activities.blueprint,
    connectors.blueprint,
    webhook_endpoints.blueprint,
    events.blueprint,
    token_admin.blueprint,
    audit.blueprint,
)


def install(app: Flask, csrf: CSRFProtect) -> ProblemApi:
    """Register the API; bearer tokens, not cookies, authenticate it, so no CSRF."""
    api = ProblemApi(app)
    api.declare_bearer_scheme()
    for blueprint in BLUEPRINTS:
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint)
    app.after_request(add_rate_headers)
    return api
