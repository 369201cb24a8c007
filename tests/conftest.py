"""Shared fixtures: real PostgreSQL and Redis servers, and a database on each backend.

Every test that asks for ``database`` runs twice, once on SQLite and once on
PostgreSQL. Nothing is skipped: a missing server is an error.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from core import migrate
from core.db import Database
from core.models import Base
from tests import servers

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def postgres() -> Iterator[servers.PostgresServer | None]:
    if os.environ.get("CRMHUB_TEST_POSTGRES_URL"):
        yield None
        return
    server = servers.start_postgres()
    yield server
    servers.remove_postgres(server)


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    if os.environ.get("CRMHUB_TEST_REDIS_URL"):
        yield os.environ["CRMHUB_TEST_REDIS_URL"]
        return
    server = servers.start_redis()
    yield server.url
    servers.remove_redis(server)


@pytest.fixture(scope="session")
def postgres_url(postgres: servers.PostgresServer | None) -> str:
    """A migrated PostgreSQL database shared by the session, emptied after each test."""
    if postgres is None:
        url = os.environ["CRMHUB_TEST_POSTGRES_URL"]
    else:
        url = postgres.create_database("crmhub_test")
    database = Database(_sqlalchemy_url(url))
    migrate.upgrade(database)
    database.dispose()
    return url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (much faster than migrating each time)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    database = Database(f"sqlite:///{path}")
    migrate.upgrade(database)
    database.dispose()  # the last connection to close checkpoints and removes the WAL
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty, migrated database on each backend in turn."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / f"crmhub-{uuid.uuid4().hex[:8]}.db"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    url: str = request.getfixturevalue("postgres_url")
    yield url
    _truncate_postgres(url)


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = Database(_sqlalchemy_url(database_url))
    yield db
    db.dispose()


def _sqlalchemy_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def _truncate_postgres(url: str) -> None:
    db = Database(_sqlalchemy_url(url))
    tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    with db.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.dispose()
