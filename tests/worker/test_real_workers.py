"""Celery run by real worker processes, on both transports and both databases.

These prove the reliability settings are in force where it matters, inside the worker:
late acknowledgement with reject-on-worker-lost (a task whose process is killed runs
again), prefetch of one (other messages stay in the broker while a task runs), and the
delivery cap kept in the database (a poison message stops).
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from core.models import TaskDelivery, WorkerHeartbeat
from tests.waiting import wait_until
from tests.worker.conftest import WorkerHarness
from worker.queues import queue_depths

pytestmark = pytest.mark.e2e


def test_reliability_settings_are_in_force_inside_the_worker(harness: WorkerHarness) -> None:
    harness.start_worker()
    harness.app.send_task("probe.report_config", queue="default")
    config = harness.wait_for_setting("probe.config")
    assert config["task_acks_late"] is True
    assert config["task_reject_on_worker_lost"] is True
    assert config["worker_prefetch_multiplier"] == 1
    assert config["queue"] == "default"
    settings_broker = harness.env["CRMHUB_BROKER_URL"].split("://", 1)[0]
    if settings_broker.startswith("sqla+"):  # the embedded broker polls ten times a second
        assert config["broker"] == settings_broker.removeprefix("sqla+")
        assert config["transport"] == "worker.sql_broker:Transport"
        assert config["polling_interval"] == pytest.approx(0.1)
    else:
        assert config["broker"] == settings_broker
    if settings_broker == "redis":
        # a task may run at most task_time_limit, which must stay below the visibility timeout
        assert config["visibility_timeout"] == 3600
        assert config["task_time_limit"] < config["visibility_timeout"]


def test_task_whose_process_is_killed_runs_again(harness: WorkerHarness, tmp_path: Path) -> None:
    worker = harness.start_worker()
    marker = tmp_path / "died"
    result = harness.app.send_task("probe.die_once", args=[str(marker)], queue="default")
    outcome = harness.wait_for_setting("probe.die_once")
    assert outcome["died_in"] != outcome["survived_in"]
    wait_until(
        lambda: harness.task_state(result.id) == "succeeded",
        timeout=30,
        message="the second delivery never finished",
    )
    with harness.database.session() as session:
        row = session.get(TaskDelivery, result.id)
        assert row is not None
        assert row.deliveries == 2
        assert row.state == "succeeded"
    assert worker.poll() is None  # the worker itself survived its pool process


def test_poison_message_stops_at_the_delivery_cap(harness: WorkerHarness) -> None:
    worker = harness.start_worker()
    result = harness.app.send_task("probe.always_die", queue="default")

    wait_until(
        lambda: harness.task_state(result.id) == "poisoned",
        timeout=90,
        message="the poison message was never stopped",
    )
    with harness.database.session() as session:
        row = session.get(TaskDelivery, result.id)
        assert row is not None
        assert row.deliveries == 4  # cap of 3 deliveries, the 4th is refused
        assert "gave up after 3 deliveries" in row.error
    assert worker.poll() is None


def test_prefetch_of_one_leaves_waiting_messages_in_the_broker(
    harness: WorkerHarness, tmp_path: Path
) -> None:
    harness.start_worker(concurrency=1)
    release = tmp_path / "release"
    keys = [uuid.uuid4().hex[:6] for _ in range(3)]
    for key in keys:
        harness.app.send_task("probe.block", args=[key, str(release)], queue="default")
    harness.wait_for_setting(f"probe.block.{keys[0]}")
    broker = harness.env["CRMHUB_BROKER_URL"]
    wait_until(
        lambda: queue_depths(broker)["default"] == 2,
        timeout=10,
        message="the worker reserved more than the one message it runs",
    )
    assert harness.setting(f"probe.block.{keys[1]}") is None
    release.write_text("go")
    for key in keys:
        harness.wait_for_setting(f"probe.block.{key}", lambda v: v["state"] == "done")
    assert queue_depths(broker)["default"] == 0


def test_clean_shutdown_removes_the_heartbeat(harness: WorkerHarness) -> None:
    worker = harness.start_worker()
    with harness.database.session() as session:
        assert len(session.scalars(select(WorkerHeartbeat)).all()) == 1
    worker.terminate()
    assert worker.wait(timeout=30) == 0
    with harness.database.session() as session:
        assert session.scalars(select(WorkerHeartbeat)).all() == []


def test_a_ready_worker_preloads_a_sqlite_store_and_leaves_postgresql_alone(
    harness: WorkerHarness,
) -> None:
    worker = harness.start_worker()
    log = next(harness.log_dir.glob("probe-*.log"))
    store = harness.database.sqlite_file
    if store is not None:
        wait_until(
            lambda: re.search(
                rf"preloaded [0-9.]+ MB of {re.escape(str(store))} in ", log.read_text()
            ),
            timeout=30,
            message=f"the worker never said it preloaded {store}; see {log}",
        )
    worker.terminate()
    assert worker.wait(timeout=30) == 0
    if store is None:  # the whole log is written now: PostgreSQL was never read
        assert "preloaded" not in log.read_text()
