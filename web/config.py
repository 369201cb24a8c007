"""Flask configuration derived from crmhub settings (cookies, CSRF, OpenAPI)."""

from __future__ import annotations

from typing import Any

from core.settings import Settings

SESSION_COOKIE_NAME = "crmhub_session"
HEALTH_POLL_SECONDS = 5.0


def flask_config(settings: Settings) -> dict[str, Any]:
    """Every Flask, flask-login, flask-wtf and flask-smorest key the app relies on."""
    return {
        "SECRET_KEY": settings.secret_key,
        "SESSION_COOKIE_NAME": SESSION_COOKIE_NAME,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": settings.secure_cookies,
        # No remember-me is offered; these keep the cookie safe should one ever be set.
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": settings.secure_cookies,
        "SESSION_PROTECTION": "strong",
        # The token lives in the session, which is replaced at sign-in and cleared at
        # sign-out; a time limit would only break the sign-out button of an open tab.
        "WTF_CSRF_TIME_LIMIT": None,
        "API_TITLE": "crmhub",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "HEALTH_POLL_SECONDS": HEALTH_POLL_SECONDS,
    }
