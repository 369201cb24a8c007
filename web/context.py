"""What every view needs from the deployment, kept on the app instead of module globals.

``create_app`` stores one ``Hub`` under ``app.extensions["crmhub"]``; views reach it with
``hub()`` so that two apps in one process (tests, the CLI) never share a database.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app

from core.db import Database
from core.settings import Settings
from core.vault import Vault

EXTENSION_KEY = "crmhub"


@dataclass(frozen=True)
class Hub:
    settings: Settings
    database: Database
    vault: Vault


def install(app: Flask, hub_: Hub) -> None:
    app.extensions[EXTENSION_KEY] = hub_


def hub() -> Hub:
    """The deployment of the app serving the current request."""
    found: Hub = current_app.extensions[EXTENSION_KEY]
    return found
