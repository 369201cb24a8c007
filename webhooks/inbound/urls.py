"""The public address of a source's hook: where the tool or the form posts."""

from __future__ import annotations

from urllib.parse import quote

HOOKS_PATH = "/hooks"


def hook_url(base_url: str, connector_id: int, secret: str | None = None) -> str:
    """``{base}/hooks/{id}``, or ``{base}/hooks/{id}/{secret}`` for sources that cannot sign."""
    url = f"{base_url.rstrip('/')}{HOOKS_PATH}/{connector_id}"
    return f"{url}/{quote(secret, safe='')}" if secret else url
