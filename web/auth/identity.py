"""Who is signed in: a detached snapshot of the user row, reloaded on every request.

Reloading each time means a deactivated user or a changed role takes effect on the very
next request, and no SQLAlchemy object outlives its session.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, redirect, request, session, url_for
from flask_login import LoginManager, UserMixin
from werkzeug.wrappers import Response as BaseResponse

from core.models import User
from web.context import hub
from web.problems import problem_response, wants_problem


@dataclass(frozen=True)
class SignedInUser(UserMixin):
    id: int
    email: str
    name: str
    role: str

    @classmethod
    def of(cls, user: User) -> SignedInUser:
        return cls(id=user.id, email=user.email, name=user.name, role=user.role)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def display_name(self) -> str:
        return self.name or self.email


def load_user(user_id: str) -> SignedInUser | None:
    if not user_id.isdigit():
        return None
    with hub().database.session() as session:
        user = session.get(User, int(user_id))
        if user is None or not user.active:
            return None
        return SignedInUser.of(user)


def unauthorized() -> Response | BaseResponse:
    """Pages send people to the sign-in form; the live-update JSON answers 401."""
    if wants_problem(request.path):
        return problem_response(401, "The session has ended; sign in again.")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: never another host, scheme or protocol-relative URL.

    Browsers drop tabs and newlines from URLs and treat backslashes as slashes, so a
    slash, a tab and "/evil.example" would become "//evil.example": all are refused.
    """
    if not target or "\\" in target or any(char.isspace() or char < " " for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def bind_anonymous_session(response: BaseResponse) -> BaseResponse:
    """Tag a visitor's session (CSRF token, flashes) with the client identifier.

    Strong session protection treats a non-empty session without that tag as tampered
    with and rewrites it on every request, so without this each anonymous answer would
    send the cookie again along with a remember-me deletion cookie.
    """
    if session and "_user_id" not in session and "_id" not in session:
        session["_id"] = current_app.login_manager._session_identifier_generator()
    return response


def install(app: Flask) -> None:
    manager = LoginManager()
    manager.session_protection = "strong"
    manager.user_loader(load_user)
    manager.unauthorized_handler(unauthorized)
    manager.init_app(app)
    app.after_request(bind_anonymous_session)
