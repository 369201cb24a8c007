"""Signed-cookie sessions, except on routes whose callers are programs.

A tool posting a webhook sends no cookie and reads none back; opening and saving a
session for it cost every hook request a tenth of its time. Those routes get Flask's
null session: reading it finds nothing, writing to it is an error.
"""

from __future__ import annotations

from flask import Flask, Request
from flask.sessions import SecureCookieSessionInterface, SessionMixin

SESSIONLESS_PREFIXES = ("/hooks/",)


class WebSessions(SecureCookieSessionInterface):
    def open_session(self, app: Flask, request: Request) -> SessionMixin | None:
        if request.path.startswith(SESSIONLESS_PREFIXES):
            return self.make_null_session(app)
        return super().open_session(app, request)
