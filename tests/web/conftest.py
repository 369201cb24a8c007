"""An app per test on each database backend, with its own data dir and broker file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from core.db import Database
from core.settings import Settings, load_settings
from web.app import create_app

MAX_FAILURES = 3


@pytest.fixture
def make_settings(tmp_path: Path, database: Database) -> Callable[..., Settings]:
    def build(**overrides: str) -> Settings:
        environ = {
            "CRMHUB_DATA_DIR": str(tmp_path / "data"),
            "CRMHUB_DATABASE_URL": database.url,
            "CRMHUB_BROKER_URL": f"sqla+sqlite:///{tmp_path / 'broker.db'}",
            "CRMHUB_LOGIN_MAX_FAILURES": str(MAX_FAILURES),
            **{f"CRMHUB_{name.upper()}": value for name, value in overrides.items()},
        }
        return load_settings(environ)

    return build


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings()


@pytest.fixture
def app(settings: Settings, database: Database) -> Flask:
    return create_app(settings, database)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
