"""OAuth connect flows: a rep grants crmhub read access to their own mailbox."""

from web.oauth import google, microsoft
from web.oauth.blueprint import blueprint

__all__ = ["blueprint", "google", "microsoft"]
