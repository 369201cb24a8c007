"""The worker's ready signal preloads a SQLite store unless the setting says not to."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from core.db import Database
from core.settings import load_settings
from core.vault import Vault
from worker import prewarm, runtime


def _bind(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database: Database, **env: str) -> None:
    settings = load_settings({"CRMHUB_DATA_DIR": str(tmp_path / "var"), **env})
    settings = dataclasses.replace(settings, database_url=database.url)
    rt = runtime.Runtime(settings, database, Vault(settings.encryption_keys))
    monkeypatch.setattr(runtime, "_runtime", rt)


def test_a_sqlite_store_is_preloaded_from_a_thread(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database: Database
) -> None:
    _bind(monkeypatch, tmp_path, database)
    thread = prewarm._on_ready()
    if database.sqlite_file is None:
        assert thread is None  # PostgreSQL keeps its own cache
        return
    assert thread is not None
    thread.join(timeout=30)
    assert thread.name == "crmhub-sqlite-prewarm"
    assert not thread.is_alive()


def test_the_setting_turns_the_preload_off(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database: Database
) -> None:
    _bind(monkeypatch, tmp_path, database, CRMHUB_SQLITE_PREWARM="false")
    assert prewarm._on_ready() is None
