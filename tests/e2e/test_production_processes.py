"""The docker-compose services, started natively with the compose file's own commands
and environment, against real PostgreSQL and Redis: init, gunicorn web, worker, beat."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import requests
import yaml

from tests.e2e.processes import ROOT, Child, crmhub_env
from tests.servers import PostgresServer, free_port
from tests.waiting import wait_until

pytestmark = pytest.mark.e2e
VENV_BIN = ROOT / ".venv" / "bin"


def compose_services() -> dict[str, Any]:
    document = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return dict(document["services"])


def _interpolate(value: str) -> str:
    """Compose's ``${VAR:-default}`` with no such variable set: the default."""
    return re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", value)


@pytest.fixture
def compose_database(postgres: PostgresServer | None) -> Iterator[int]:
    if postgres is None:
        pytest.fail("this test needs the throwaway PostgreSQL server the test session starts")
    with psycopg.connect(postgres.admin_url, autocommit=True) as connection:
        connection.execute("CREATE ROLE crmhub LOGIN PASSWORD 'crmhub'")
        connection.execute("CREATE DATABASE crmhub OWNER crmhub")
    yield postgres.port
    with psycopg.connect(postgres.admin_url, autocommit=True) as connection:
        connection.execute("DROP DATABASE crmhub WITH (FORCE)")
        connection.execute("DROP ROLE crmhub")


def native_env(
    service: dict[str, Any], pg_port: int, redis_url: str, data_dir: Path, web_port: int
) -> dict[str, str]:
    """The service's environment with the compose host names mapped to loopback servers."""
    redis_host_port = redis_url.split("://", 1)[1].split("/", 1)[0]
    env = {}
    for name, raw in service["environment"].items():
        value = _interpolate(str(raw))
        value = value.replace("@postgres:5432/", f"@127.0.0.1:{pg_port}/")
        value = value.replace("redis://redis:6379/0", f"redis://{redis_host_port}/1")
        env[name] = value
    env["CRMHUB_DATA_DIR"] = str(data_dir)  # the shared volume
    env["CRMHUB_HOST"] = "127.0.0.1"  # tests listen on loopback only
    env["CRMHUB_PORT"] = str(web_port)
    env["CRMHUB_HEARTBEAT_INTERVAL"] = "1"
    return crmhub_env(data_dir, **env)


def test_compose_commands_run_natively_and_serve_health(
    compose_database: int, redis_url: str, tmp_path: Path
) -> None:
    services = compose_services()
    assert {"postgres", "redis", "init", "web", "worker", "beat"} <= services.keys()
    assert "--appendonly" in services["redis"]["command"]
    assert any(part.startswith("shared_buffers=") for part in services["postgres"]["command"])
    for name in ("web", "worker", "beat", "redis", "postgres"):
        assert "healthcheck" in services[name] or name == "beat", name
    web_port = free_port()
    children: list[Child] = []
    try:

        def start(name: str) -> Child:
            service = services[name]
            command = list(service["command"])
            assert command[0] == "crmhub"
            env = native_env(service, compose_database, redis_url, tmp_path / "data", web_port)
            child = Child([str(VENV_BIN / "crmhub"), *command[1:]], env=env)
            children.append(child)
            return child

        assert start("init").wait(timeout=120) == 0
        web = start("web")
        worker = start("worker")
        beat = start("beat")
        web.expect(r"Listening at: http://127\.0\.0\.1:\d+")
        beat.expect(r"beat: Starting")
        health_url = f"http://127.0.0.1:{web_port}/api/v1/health"

        def healthy() -> dict[str, Any] | None:
            response = requests.get(health_url, timeout=5)
            body = response.json()
            return body if response.status_code == 200 and body["workers_alive"] >= 1 else None

        wait_until(healthy, timeout=90, message="health never reported a live worker")
        body = healthy()
        assert body is not None
        assert body["database"]["ok"] is True
        assert body["database"]["detail"] == "postgresql"
        assert body["broker"]["ok"] is True
        assert body["broker"]["detail"] == "redis"
        assert body["status"] == "ok"
        assert worker.process.poll() is None
        assert beat.process.poll() is None
    finally:
        for child in reversed(children):
            if child.process.poll() is None:
                child.process.terminate()
            child.wait(timeout=60)
