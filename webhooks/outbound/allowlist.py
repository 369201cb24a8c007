"""The allow-list of private ranges webhooks may reach on purpose.

Two sources, both CIDRs: ``CRMHUB_OUTBOUND_ALLOWLIST`` (settings, for the operator) and
the ``webhooks.allowlist`` AppSetting (for an administrator in the UI). Either admits
e.g. an internal receiver at 10.1.2.3 that the URL guard would otherwise refuse.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from sqlalchemy.orm import Session

from core.models import AppSetting, utcnow
from core.upsert import upsert
from webhooks.outbound.urlguard import Network

ALLOWLIST_KEY = "webhooks.allowlist"


def parse_cidrs(cidrs: Iterable[str]) -> tuple[Network, ...]:
    """Networks from CIDR strings; a bad one raises ValueError naming it."""
    networks = []
    for cidr in cidrs:
        try:
            networks.append(ipaddress.ip_network(cidr.strip(), strict=False))
        except ValueError:
            raise ValueError(f"{cidr!r} is not a CIDR range such as 10.0.0.0/8") from None
    return tuple(networks)


def load_allowlist(session: Session, settings_cidrs: Iterable[str] = ()) -> tuple[Network, ...]:
    """The settings' ranges plus the administrator's."""
    row = session.get(AppSetting, ALLOWLIST_KEY)
    stored = list(row.value.get("cidrs", [])) if row is not None else []
    return parse_cidrs([*settings_cidrs, *stored])


def save_allowlist(session: Session, cidrs: Iterable[str]) -> tuple[Network, ...]:
    """Replace the administrator's list (validated first, so a typo stores nothing)."""
    networks = parse_cidrs(cidrs)
    value = {"cidrs": [str(network) for network in networks]}
    now = utcnow()
    upsert(
        session,
        AppSetting,
        key={"key": ALLOWLIST_KEY},
        insert={"value": value, "updated_at": now},
        update={"value": value, "updated_at": now},
    )
    return networks
