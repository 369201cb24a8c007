"""Webhook endpoints: create, change, rotate the secret, enable or disable, delete.

Every function works in the caller's transaction. A URL is checked by the guard before it
is stored. The signing secret is shown once, when it is made, and kept only encrypted
(the Vault); rotating it keeps the old secret signing too for a grace period, so the
receiver can switch without dropping a message.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from core.models import WebhookEndpoint, utcnow
from core.vault import Vault
from webhooks.outbound.allowlist import load_allowlist
from webhooks.outbound.filters import normalize_filter
from webhooks.outbound.signing import new_secret
from webhooks.outbound.urlguard import check_url

DEFAULT_ROTATION_GRACE = timedelta(hours=24)
ADMIN_DISABLED = "disabled by an administrator"


class EndpointNotFound(LookupError):
    """No endpoint has this id."""


@dataclass(frozen=True)
class CreatedEndpoint:
    endpoint: WebhookEndpoint
    secret: str  # the only time the plaintext secret leaves this module


def create_endpoint(
    session: Session,
    vault: Vault,
    url: str,
    *,
    description: str = "",
    event_types: Iterable[str] = ("*",),
    settings_allowlist: Sequence[str] = (),
) -> CreatedEndpoint:
    """Check and store a new endpoint; raises UnsafeURL or InvalidFilter, storing nothing.

    ``settings_allowlist`` is ``Settings.outbound_allowlist``; the admin's list is read here.
    """
    url = url.strip()
    check_url(url, load_allowlist(session, settings_allowlist))
    secret = new_secret()
    endpoint = WebhookEndpoint(
        url=url,
        description=description.strip()[:500],
        event_types=normalize_filter(event_types),
        enabled=True,
        secret_encrypted=vault.encrypt(secret),
    )
    session.add(endpoint)
    session.flush()
    return CreatedEndpoint(endpoint, secret)


def update_endpoint(
    session: Session,
    endpoint_id: int,
    *,
    url: str | None = None,
    description: str | None = None,
    event_types: Iterable[str] | None = None,
    settings_allowlist: Sequence[str] = (),
) -> WebhookEndpoint:
    """Change what was given; a new URL passes the guard first."""
    endpoint = get_endpoint(session, endpoint_id)
    if url is not None:
        check_url(url.strip(), load_allowlist(session, settings_allowlist))
        endpoint.url = url.strip()
    if description is not None:
        endpoint.description = description.strip()[:500]
    if event_types is not None:
        endpoint.event_types = normalize_filter(event_types)
    return endpoint


def rotate_secret(
    session: Session,
    vault: Vault,
    endpoint_id: int,
    *,
    grace: timedelta = DEFAULT_ROTATION_GRACE,
    now: datetime | None = None,
) -> str:
    """Make a new secret; the current one keeps signing until ``now + grace``."""
    endpoint = get_endpoint(session, endpoint_id)
    secret = new_secret()
    endpoint.previous_secret_encrypted = endpoint.secret_encrypted
    endpoint.previous_secret_expires_at = (now or utcnow()) + grace
    endpoint.secret_encrypted = vault.encrypt(secret)
    return secret


def set_enabled(
    session: Session, endpoint_id: int, enabled: bool, reason: str = ADMIN_DISABLED
) -> WebhookEndpoint:
    """Enable (clearing the failure flag) or disable with a reason shown to the admin."""
    endpoint = get_endpoint(session, endpoint_id)
    endpoint.enabled = enabled
    endpoint.disabled_reason = "" if enabled else reason
    if enabled:
        endpoint.failing_since = None
    return endpoint


def delete_endpoint(session: Session, endpoint_id: int) -> None:
    """Remove the endpoint; its deliveries and their log go with it (ON DELETE CASCADE)."""
    session.delete(get_endpoint(session, endpoint_id))
    session.flush()


def get_endpoint(session: Session, endpoint_id: int) -> WebhookEndpoint:
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        raise EndpointNotFound(f"no webhook endpoint {endpoint_id}")
    return endpoint


def signing_secrets(
    vault: Vault,
    secret_encrypted: str,
    previous_encrypted: str | None,
    previous_expires_at: datetime | None,
    now: datetime,
) -> tuple[str, ...]:
    """The secrets that sign right now: the current one, and the previous in its grace."""
    current = vault.decrypt(secret_encrypted)
    if previous_encrypted and previous_expires_at is not None and previous_expires_at > now:
        return (current, vault.decrypt(previous_encrypted))
    return (current,)
