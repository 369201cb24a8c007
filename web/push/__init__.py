"""``POST /push/gmail``: Gmail's Pub/Sub push, proven by Google's OIDC token.

The route is exempt from CSRF: Pub/Sub's post carries no session; the signed token
authenticates it instead, and nothing is read or queued before that token checks out.
"""

from __future__ import annotations

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from web.push import graph
from web.push.views import blueprint


def install(app: Flask, csrf: CSRFProtect) -> None:
    csrf.exempt(blueprint)
    app.register_blueprint(blueprint)
    # Graph's notifications prove themselves by each subscription's clientState.
    csrf.exempt(graph.blueprint)
    app.register_blueprint(graph.blueprint)


__all__ = ["blueprint", "graph", "install"]
