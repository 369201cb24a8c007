"""The Flask application factory (``gunicorn 'web.app:create_app()'``).

Building the app touches neither the schema nor the network: ``crmhub init`` migrates,
and the first request is the first time the database is asked anything.
"""

from __future__ import annotations

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from core.db import Database
from core.settings import Settings, load_settings
from core.vault import Vault
from web import api, errors, hooks, security
from web import push as gmail_push
from web.auth import blueprint as auth_blueprint
from web.auth import identity
from web.config import flask_config
from web.context import Hub, install
from web.oauth import blueprint as oauth_blueprint
from web.sessions import WebSessions
from web.ui import blueprint as ui_blueprint


def create_app(settings: Settings | None = None, database: Database | None = None) -> Flask:
    """Assemble one app for one deployment; with no arguments, read CRMHUB_* variables."""
    settings = settings or load_settings()
    database = database or Database(settings.database_url)
    app = Flask(__name__)
    app.session_interface = WebSessions()
    app.config.from_mapping(flask_config(settings))
    app.logger.setLevel(settings.log_level)
    install(app, Hub(settings=settings, database=database, vault=Vault(settings.encryption_keys)))
    csrf = CSRFProtect(app)
    security.install(app)
    errors.install(app)
    identity.install(app)
    app.register_blueprint(auth_blueprint)
    app.register_blueprint(ui_blueprint)
    app.register_blueprint(oauth_blueprint)
    api.install(app, csrf)
    hooks.install(app, csrf)
    gmail_push.install(app, csrf)  # CSRF-exempt: Google's OIDC token authenticates it
    return app
