"""Real Celery worker processes for tests, on the SQL-backed transport and on Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from celery import Celery
from sqlalchemy import select

from core.db import Database
from core.models import AppSetting, TaskDelivery, WorkerHeartbeat
from core.settings import load_settings
from tests.waiting import wait_until
from worker.app import make_celery

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class WorkerHarness:
    env: dict[str, str]
    database: Database
    app: Celery
    processes: list[subprocess.Popen[bytes]]
    log_dir: Path

    def start_worker(
        self, queues: str = "default,sync,ingest,deliver", concurrency: int = 1
    ) -> subprocess.Popen[bytes]:
        name = f"probe-{uuid.uuid4().hex[:8]}@localhost"
        log = (self.log_dir / f"{name}.log").open("wb")
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "tests.worker.probe_app",
                "worker",
                "-Q",
                queues,
                "-c",
                str(concurrency),
                "-n",
                name,
                "--loglevel",
                "INFO",
                "--without-mingle",
                "--without-gossip",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        wait_until(
            lambda: self._heartbeat(name),
            timeout=60,
            message=f"worker {name} never sent a heartbeat; see {log.name}",
        )
        return process

    def _heartbeat(self, name: str) -> bool:
        with self.database.session() as session:
            return session.get(WorkerHeartbeat, name) is not None

    def task_state(self, task_id: str) -> str | None:
        with self.database.session() as session:
            row = session.get(TaskDelivery, task_id)
            return None if row is None else row.state

    def setting(self, key: str) -> dict[str, Any] | None:
        with self.database.session() as session:
            row = session.scalar(select(AppSetting).where(AppSetting.key == key))
            return None if row is None else dict(row.value)

    def wait_for_setting(
        self, key: str, predicate: Callable[[dict[str, Any]], bool] = bool, timeout: float = 60
    ) -> dict[str, Any]:
        wait_until(
            lambda: (value := self.setting(key)) is not None and predicate(value),
            timeout=timeout,
            message=f"{key} never reported",
        )
        value = self.setting(key)
        assert value is not None
        return value

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(params=["sql-broker", "redis-broker"])
def broker_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sql-broker":
        yield f"sqla+sqlite:///{tmp_path / 'broker.db'}"
        return
    url: str = request.getfixturevalue("redis_url")
    yield url
    import redis  # noqa: PLC0415 - only the Redis variant needs the client

    redis.Redis.from_url(url).flushdb()


@pytest.fixture
def worker_env(tmp_path: Path, database: Database, broker_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRMHUB_")}
    env.update(
        {
            "CRMHUB_DATA_DIR": str(tmp_path / "var"),
            "CRMHUB_DATABASE_URL": database.url,
            "CRMHUB_BROKER_URL": broker_url,
            "CRMHUB_HEARTBEAT_INTERVAL": "0.5",
            "CRMHUB_MAX_TASK_DELIVERIES": "3",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


@pytest.fixture
def harness(
    worker_env: dict[str, str], database: Database, tmp_path: Path
) -> Iterator[WorkerHarness]:
    settings = load_settings(worker_env)
    app = make_celery(settings)
    h = WorkerHarness(worker_env, database, app, [], tmp_path)
    yield h
    h.stop()
