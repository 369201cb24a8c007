"""Response headers that every page and API answer carries.

The policy forbids inline script and style and any third-party origin, so an injected
``<script>`` cannot run and the pages work without the internet.
"""

from __future__ import annotations

from flask import Flask, Response, request

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

STATIC_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def add_security_headers(response: Response) -> Response:
    """Set the fixed headers; pages and API answers are never stored by caches.

    Only static assets may be cached: everything else may show customer data or
    carry a CSRF token, so it is marked ``no-store`` whoever is signed in.
    """
    headers = response.headers
    present = {name.lower() for name, _value in headers}  # one pass: every answer pays this
    missing = [(name, value) for name, value in _STATIC_ITEMS if name.lower() not in present]
    if request.endpoint != "static":
        headers["Cache-Control"] = "no-store"
        if "pragma" not in present:
            missing.append(("Pragma", "no-cache"))
    headers.extend(missing)
    return response


_STATIC_ITEMS = tuple(STATIC_HEADERS.items())


def install(app: Flask) -> None:
    app.after_request(add_security_headers)
