"""A connected Outlook mailbox: its stored grant (or the app's), turned into a Graph client."""

from __future__ import annotations

import msal
import requests

from connectors.outlook.auth import app_only_token, msal_app, refresher
from connectors.outlook.client import REQUESTS_PER_10_MINUTES, GraphClient, TokenSource
from connectors.outlook.config import MicrosoftApp
from connectors.outlook.mailbox import Mailbox
from connectors.sync.budget import RateBudget
from connectors.sync.tokens import current_credentials
from core.db import Database
from core.vault import Vault


def mailbox_client(
    database: Database,
    vault: Vault,
    app: MicrosoftApp,
    mailbox: Mailbox,
    *,
    budget: RateBudget | None = None,
    http: requests.Session | None = None,
) -> GraphClient:
    """A client whose tokens come lazily, inside the sync run, so a refused grant is
    recorded on that run and on the connector."""
    session = http or app.http_session()
    if mailbox.mode == "application":
        token = app_token_source(app.for_tenant(mailbox.tenant), session)
    else:
        token = delegated_token_source(database, vault, app, mailbox.connector_id, session)
    return GraphClient(
        app.graph_url,
        mailbox.graph_user,
        token,
        session,
        budget=budget or RateBudget(REQUESTS_PER_10_MINUTES, 600),
        page_size=mailbox.page_size,
    )


def delegated_token_source(
    database: Database, vault: Vault, app: MicrosoftApp, connector_id: int, http: requests.Session
) -> TokenSource:
    """The rep's token through the single-flight refresh of the stored, rotating grant."""
    refresh = refresher(app, http)

    def token(rejected: str | None) -> str:
        credentials = current_credentials(database, vault, connector_id, refresh, rejected=rejected)
        return str(credentials["access_token"])

    return token


def app_token_source(app: MicrosoftApp, http: requests.Session) -> TokenSource:
    """The app-only token; MSAL caches it, and a rejected one is dropped with its cache."""
    holder: dict[str, msal.ConfidentialClientApplication] = {}

    def token(rejected: str | None) -> str:
        if rejected is not None or "client" not in holder:
            holder["client"] = msal_app(app, http)
        return str(app_only_token(holder["client"])["access_token"])

    return token
