"""Where the Google OAuth app and the Gmail API live (Google's, or an emulator's)."""

from __future__ import annotations

from dataclasses import dataclass

from core.settings import OAuthApp

GMAIL_SCOPE = "https://www.googleapis.com/auth/gmail.readonly"
METADATA_HEADERS = (
    "From", "To", "Cc", "Subject", "Date", "Message-ID",
    "List-Unsubscribe", "Auto-Submitted", "Precedence",
)  # fmt: skip


@dataclass(frozen=True)
class GoogleApp:
    """The organization's OAuth client; URLs default to Google's own."""

    client_id: str
    client_secret: str
    auth_uri: str = "https://accounts.google.com/o/oauth2/auth"
    token_uri: str = "https://oauth2.googleapis.com/token"  # noqa: S105 - a URL
    api_endpoint: str = "https://gmail.googleapis.com"

    @classmethod
    def from_settings(cls, app: OAuthApp) -> GoogleApp:
        return cls(app.client_id, app.client_secret, app.auth_uri, app.token_uri, app.api_url)

    @property
    def batch_uri(self) -> str:
        """Batches do not follow ``api_endpoint`` in the client library: build it here."""
        return self.api_endpoint.rstrip("/") + "/batch"
