"""Sign-in, sign-out and the first-admin setup link."""

from web.auth.views import blueprint

__all__ = ["blueprint"]
