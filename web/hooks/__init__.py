"""The hook URLs tools post to: verified, stored in the inbox, acknowledged fast.

These routes are the only ones exempt from CSRF: a tool's post carries no session, and
each one proves itself by its signature or by the secret in its URL instead.
"""

from __future__ import annotations

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from web.hooks.views import blueprint


def install(app: Flask, csrf: CSRFProtect) -> None:
    csrf.exempt(blueprint)
    app.register_blueprint(blueprint)


__all__ = ["blueprint", "install"]
