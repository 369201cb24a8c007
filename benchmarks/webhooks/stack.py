"""A whole crmhub deployment on loopback: the store, gunicorn, a worker and beat.

``embedded`` is the default store (SQLite and the SQL-backed broker in a temporary
data folder); ``postgres`` starts a throwaway PostgreSQL and Redis the same way the
test suite does. Every process started here is stopped on exit.
"""

from __future__ import annotations

import os
import socket
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from benchmarks.webhooks.processes import Process, crmhub_command, run_crmhub
from core.db import Database
from core.models import AppSetting, WorkerHeartbeat
from core.settings import Settings, load_settings
from core.vault import Vault
from tests import servers
from web.cli.processes import gunicorn_argv
from worker.tasks.maintenance import BEAT_TICK_KEY

ALLOWLIST = "127.0.0.1/32"


@dataclass
class Stack:
    store: str
    env: dict[str, str]
    settings: Settings
    folder: Path
    processes: list[Process] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.port}"

    def database(self) -> Database:
        return Database(self.settings.database_url)

    def vault(self) -> Vault:
        return Vault(self.settings.encryption_keys)

    def start(self, name: str, args: list[str], env: dict[str, str] | None = None) -> Process:
        process = Process(name, args, env or self.env, self.folder)
        self.processes.append(process)
        return process

    def start_web(self, workers: int = 2) -> Process:
        process = self.start("web", crmhub_command("web", "--workers", str(workers)))
        wait_for_port(self.settings.port, process)
        return process

    def start_trivial(self, workers: int = 2) -> tuple[Process, int]:
        """The yardstick app on the same production server command, on its own port."""
        port = free_port()
        env = {**self.env, "CRMHUB_PORT": str(port)}
        argv = gunicorn_argv(load_settings(env), workers, "benchmarks.webhooks.trivial:app")
        process = self.start("trivial", argv, env)
        wait_for_port(port, process)
        return process, port

    def start_worker(self, concurrency: int = 2) -> Process:
        """A worker, returned once its heartbeat shows it consuming."""
        process = self.start("worker", crmhub_command("worker", "-c", str(concurrency)))
        self._wait(process, _heartbeats)
        return process

    def start_beat(self) -> Process:
        """Beat, returned once a worker has run its first tick (start a worker first)."""
        process = self.start("beat", crmhub_command("beat"))
        self._wait(process, _beat_ticked)
        return process

    def _wait(self, process: Process, ready: Callable[[Database], bool]) -> None:
        database = self.database()
        deadline = time.monotonic() + 60
        try:
            while not ready(database):
                if not process.alive() or time.monotonic() > deadline:
                    raise RuntimeError(f"{process.name} did not start:\n{process.tail()}")
                time.sleep(0.2)
        finally:
            database.dispose()

    def crmhub(self, *args: str) -> str:
        return run_crmhub(self.env, *args)

    def stop(self, process: Process) -> None:
        process.stop()
        self.processes.remove(process)


@contextmanager
def running_stack(store: str, extra_env: Mapping[str, str] | None = None) -> Iterator[Stack]:
    with ExitStack() as cleanup:
        folder = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="crmhub-bench-")))
        env = {k: v for k, v in os.environ.items() if not k.startswith("CRMHUB_")}
        env.update(
            CRMHUB_DATA_DIR=str(folder / "data"),
            CRMHUB_PORT=str(free_port()),
            CRMHUB_OUTBOUND_ALLOWLIST=ALLOWLIST,
            CRMHUB_LOG_LEVEL="WARNING",
            CRMHUB_HEARTBEAT_INTERVAL="2",
        )
        if store == "postgres":
            postgres = servers.start_postgres()
            cleanup.callback(servers.remove_postgres, postgres)
            redis = servers.start_redis()
            cleanup.callback(servers.remove_redis, redis)
            env["CRMHUB_DATABASE_URL"] = postgres.create_database("crmhub_bench")
            env["CRMHUB_BROKER_URL"] = redis.url
        elif store != "embedded":
            raise ValueError(f"unknown store {store!r}: embedded or postgres")
        env.update(extra_env or {})  # e.g. where Google's APIs are
        stack = Stack(store, env, load_settings(env), folder)
        cleanup.callback(_stop_all, stack)
        stack.crmhub("init")
        yield stack


def _stop_all(stack: Stack) -> None:
    for process in reversed(stack.processes):
        process.stop()
    stack.processes.clear()


def _heartbeats(database: Database) -> bool:
    with database.session() as session:
        return bool(session.scalar(select(func.count()).select_from(WorkerHeartbeat)))


def _beat_ticked(database: Database) -> bool:
    with database.session() as session:
        return session.get(AppSetting, BEAT_TICK_KEY) is not None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, process: Process, timeout: float = 60) -> None:
    """Poll until the server accepts connections; fail with its log if it died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not process.alive():
            raise RuntimeError(f"{process.name} exited:\n{process.tail()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{process.name} did not listen on {port}:\n{process.tail()}")
