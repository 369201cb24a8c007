"""Users, sign-in with rate limiting, one-time setup links, and API tokens."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from core.models import ROLES, ApiToken, LoginAttempt, OneTimeToken, User, utcnow
from core.passwords import (
    check_password_strength,
    hash_password,
    new_token,
    token_hash,
    verify_password,
)

SETUP_PURPOSE = "first-admin"
SETUP_LINK_LIFETIME = timedelta(hours=24)
TOKEN_USE_RESOLUTION = timedelta(minutes=1)


class AccountError(ValueError):
    """A request about accounts that cannot be honoured; the message is for the user."""


class TooManyAttempts(AccountError):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed sign-ins; try again in {retry_after} seconds")
        self.retry_after = retry_after


@dataclass(frozen=True)
class LoginPolicy:
    max_failures: int
    window_seconds: int


def normalize_login_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise AccountError(f"not a valid email address: {exc}") from None


def create_user(
    session: Session, email: str, role: str, password: str | None = None, name: str = ""
) -> User:
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    address = normalize_login_email(email)
    if session.scalar(select(User.id).where(User.email == address)) is not None:
        raise AccountError(f"a user with the email {address} already exists")
    if password is not None:
        check_password_strength(password)
    user = User(
        email=address,
        role=role,
        name=name,
        password_hash=hash_password(password) if password is not None else None,
    )
    session.add(user)
    session.flush()
    return user


def authenticate(
    session: Session, email: str, password: str, remote_addr: str, policy: LoginPolicy
) -> User | None:
    """Return the user for good credentials; count failures and refuse when over the limit.

    The limit applies per address and per client, so neither one account nor one client
    can guess at leisure. The check happens before the password is even looked at.
    """
    address = email.strip().lower()
    since = utcnow() - timedelta(seconds=policy.window_seconds)
    recent = session.scalar(
        select(func.count(LoginAttempt.id)).where(
            LoginAttempt.at >= since,
            (LoginAttempt.email == address) | (LoginAttempt.remote_addr == remote_addr),
        )
    )
    if (recent or 0) >= policy.max_failures:
        raise TooManyAttempts(policy.window_seconds)
    user = session.scalar(select(User).where(User.email == address, User.active.is_(True)))
    # An unknown address costs the same scrypt work, so timing does not reveal accounts.
    stored = user.password_hash if user is not None else _decoy_hash()
    if not verify_password(password, stored) or user is None:
        session.add(LoginAttempt(email=address, remote_addr=remote_addr))
        return None
    session.execute(delete(LoginAttempt).where(LoginAttempt.email == address))
    user.last_login_at = utcnow()
    return user


@cache
def _decoy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def has_users(session: Session) -> bool:
    return session.scalar(select(User.id).limit(1)) is not None


def issue_setup_token(session: Session, now: datetime | None = None) -> str:
    """A single-use link token for choosing the first admin's password.

    Issuing a new one retires any earlier unused one, so only the last printed link works.
    """
    if has_users(session):
        raise AccountError("an administrator already exists; sign in instead")
    now = now or utcnow()
    session.execute(
        delete(OneTimeToken).where(
            OneTimeToken.purpose == SETUP_PURPOSE, OneTimeToken.used_at.is_(None)
        )
    )
    token = new_token("setup")
    session.add(
        OneTimeToken(
            purpose=SETUP_PURPOSE,
            token_hash=token_hash(token),
            expires_at=now + SETUP_LINK_LIFETIME,
        )
    )
    return token


def setup_token_valid(session: Session, token: str) -> bool:
    return _live_setup_token(session, token) is not None and not has_users(session)


def complete_setup(session: Session, token: str, email: str, password: str, name: str) -> User:
    """Create the first admin and burn the token, in the caller's transaction."""
    row = _live_setup_token(session, token)
    if row is None or has_users(session):
        raise AccountError("this setup link is no longer valid")
    user = create_user(session, email, "admin", password=password, name=name)
    row.used_at = utcnow()
    return user


def _live_setup_token(session: Session, token: str) -> OneTimeToken | None:
    """The unused, unexpired token row, locked so two submissions cannot both use it."""
    row = session.scalar(
        select(OneTimeToken).where(OneTimeToken.token_hash == token_hash(token)).with_for_update()
    )
    if row is None or row.purpose != SETUP_PURPOSE or row.used_at is not None:
        return None
    return row if row.expires_at > utcnow() else None


def create_api_token(
    session: Session, name: str, role: str, created_by: User | None = None
) -> tuple[ApiToken, str]:
    """Store a new token's hash; the plaintext is returned once and never kept."""
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if not name.strip():
        raise AccountError("a token needs a name")
    plaintext = new_token("crm")
    row = ApiToken(
        name=name.strip(),
        prefix=plaintext[:8],
        token_hash=token_hash(plaintext),
        role=role,
        created_by_id=created_by.id if created_by else None,
    )
    session.add(row)
    session.flush()
    return row, plaintext


def find_api_token(session: Session, plaintext: str) -> ApiToken | None:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(plaintext)))
    if row is None or row.revoked_at is not None:
        return None
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at > TOKEN_USE_RESOLUTION:
        row.last_used_at = now  # coarse, so a busy client does not write on every call
    return row
