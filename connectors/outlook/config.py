"""Where the Microsoft app, its authority and Graph live (Microsoft's, or an emulator's).

``ca_bundle`` is a CA certificate to trust for the authority and Graph: it is how a
self-signed emulator is reached. The session built for it ignores the environment,
because ``REQUESTS_CA_BUNDLE`` would otherwise override the session's ``verify``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import urlsplit

import requests

from core.settings import OAuthApp

GRAPH_DEFAULT_SCOPE = "https://graph.microsoft.com/.default"
# Fully qualified, or MSAL's silent acquisition refreshes on every call.
MAIL_SCOPES = ("https://graph.microsoft.com/Mail.Read",)


@dataclass(frozen=True)
class MicrosoftApp:
    """The organization's Entra ID app; ``authority`` is MSAL's (``.../common`` or a tenant)."""

    client_id: str
    client_secret: str
    authority: str = "https://login.microsoftonline.com/common"
    token_uri: str = "https://login.microsoftonline.com/common/oauth2/v2.0/token"  # noqa: S105
    graph_url: str = "https://graph.microsoft.com/v1.0"
    ca_bundle: str = ""

    @classmethod
    def from_settings(cls, app: OAuthApp, ca_bundle: str = "") -> MicrosoftApp:
        return cls(
            app.client_id,
            app.client_secret,
            app.auth_uri.rstrip("/"),
            app.token_uri,
            app.api_url.rstrip("/"),
            ca_bundle,
        )

    def for_tenant(self, tenant: str) -> MicrosoftApp:
        """The same app with the authority's last segment replaced (app-only needs a tenant)."""
        if not tenant:
            return self
        parts = urlsplit(self.authority)
        return replace(self, authority=f"{parts.scheme}://{parts.netloc}/{tenant}")

    def http_session(self) -> requests.Session:
        """A session for MSAL and Graph that trusts ``ca_bundle`` when one is configured."""
        session = requests.Session()
        if self.ca_bundle:
            session.verify = self.ca_bundle
            session.trust_env = False
        return session
