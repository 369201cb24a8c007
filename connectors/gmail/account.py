"""A connected Gmail mailbox: its stored grant, turned into a ready API client."""

from __future__ import annotations

import requests

from connectors.gmail.client import GmailClient
from connectors.gmail.config import GoogleApp
from connectors.gmail.oauth import refresher
from connectors.sync.budget import RateBudget
from connectors.sync.tokens import current_credentials
from core.db import Database
from core.vault import Vault

QUOTA_UNITS_PER_MINUTE = 15_000
# Units are counted here when a call leaves and by Gmail when it arrives: a window a
# little longer than Gmail's keeps a call from landing just before Gmail frees units.
QUOTA_WINDOW_SECONDS = 61.5


def mailbox_client(
    database: Database,
    vault: Vault,
    app: GoogleApp,
    connector_id: int,
    *,
    budget: RateBudget | None = None,
    http: requests.Session | None = None,
) -> GmailClient:
    """A client whose token comes from the single-flight refresh of the stored grant."""
    session = http or requests.Session()
    refresh = refresher(app, session)

    def token(rejected: str | None) -> str:
        credentials = current_credentials(database, vault, connector_id, refresh, rejected=rejected)
        return str(credentials["access_token"])

    return GmailClient(
        app, token, budget=budget or RateBudget(QUOTA_UNITS_PER_MINUTE, QUOTA_WINDOW_SECONDS)
    )
