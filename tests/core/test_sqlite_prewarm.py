"""A SQLite store is read into the page cache, and only when it fits in memory.

What is cached is read back from the kernel with util-linux's ``fincore`` (mincore(2)),
after the file's pages were dropped from the cache with ``POSIX_FADV_DONTNEED``.
"""

from __future__ import annotations

import errno
import logging
import os
import subprocess
from pathlib import Path

import pytest

from core import sqlite_prewarm
from core.sqlite_prewarm import available_memory, prewarm_file, start_prewarm

PAGE = os.sysconf("SC_PAGE_SIZE")
SIZE = 3 * 1024 * 1024 + 123  # not a whole number of steps or pages


def _cached_bytes(path: Path) -> int:
    out = subprocess.run(
        ["fincore", "--bytes", "--noheadings", "--output", "RES", str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return int(out.strip())


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """A file written to disk and then dropped from the page cache."""
    path = tmp_path / "store.db"
    with path.open("wb") as file:
        file.write(os.urandom(SIZE))
        file.flush()
        os.fsync(file.fileno())
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(descriptor)
    assert _cached_bytes(path) == 0
    return path


def _whole_pages(size: int) -> int:
    return -(-size // PAGE) * PAGE


def test_the_whole_file_ends_up_in_the_page_cache(store: Path) -> None:
    assert prewarm_file(store, budget=None, step=1024 * 1024) == SIZE
    assert _cached_bytes(store) == _whole_pages(SIZE)


def test_a_file_larger_than_the_budget_is_left_alone(
    store: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="core.sqlite_prewarm"):
        assert prewarm_file(store, budget=SIZE // 2) == 0
    assert _cached_bytes(store) == 0
    assert (
        f"{store} not preloaded: 3.0 MB is more than the 1.5 MB it may take of memory"
        in caplog.text
    )


def test_where_sendfile_cannot_write_to_dev_null_the_file_is_read_instead(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: object) -> int:
        raise OSError(errno.EINVAL, "Invalid argument")

    monkeypatch.setattr(sqlite_prewarm.os, "sendfile", refuse)
    assert prewarm_file(store, budget=None, step=1024 * 1024) == SIZE
    assert _cached_bytes(store) == _whole_pages(SIZE)


def test_the_background_thread_says_what_it_read(
    store: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="core.sqlite_prewarm"):
        thread = start_prewarm(store)
        thread.join(timeout=30)
    assert not thread.is_alive()
    assert thread.daemon  # never holds a stopping process up
    assert f"preloaded 3.0 MB of {store} in " in caplog.text
    assert _cached_bytes(store) == _whole_pages(SIZE)


def test_a_missing_file_is_logged_not_raised(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    missing = tmp_path / "gone.db"
    with caplog.at_level(logging.INFO, logger="core.sqlite_prewarm"):
        start_prewarm(missing).join(timeout=30)
    assert f"{missing} not preloaded: [Errno 2]" in caplog.text


def test_the_memory_budget_comes_from_the_system() -> None:
    memory = available_memory()
    assert memory is not None
    assert 0 < memory <= os.sysconf("SC_PHYS_PAGES") * PAGE


def _machine(tmp_path: Path, cgroup_line: str, files: dict[str, str]) -> tuple[Path, Path]:
    """A /proc and a /sys/fs/cgroup with 8 GiB available and the given control group."""
    proc, cgroups = tmp_path / "proc", tmp_path / "cgroup"
    (proc / "self").mkdir(parents=True)
    (proc / "meminfo").write_text("MemTotal: 16777216 kB\nMemAvailable: 8388608 kB\n")
    (proc / "self" / "cgroup").write_text(cgroup_line + "\n")
    for name, text in files.items():
        (cgroups / name).parent.mkdir(parents=True, exist_ok=True)
        (cgroups / name).write_text(text + "\n")
    return proc, cgroups


GIB = 1 << 30


@pytest.mark.parametrize(
    ("cgroup_line", "files", "expected"),
    [
        # version 2, a container limited to 2 GiB with 0.5 GiB in use
        ("0::/box", {"box/memory.max": str(2 * GIB), "box/memory.current": str(GIB // 2)}, 1.5),
        ("0::/box", {"box/memory.max": "max", "box/memory.current": "1"}, 8),
        # version 1 (next to other controllers' lines in the real file)
        (
            "4:memory:/box",
            {
                "memory/box/memory.limit_in_bytes": str(GIB),
                "memory/box/memory.usage_in_bytes": str(GIB // 4),
            },
            0.75,
        ),
        (
            "4:memory:/box",
            {
                "memory/box/memory.limit_in_bytes": "9223372036854771712",
                "memory/box/memory.usage_in_bytes": str(GIB),
            },
            8,
        ),
        ("4:memory:/gone", {}, 8),  # unreadable limit: the system figure stands
        ("not a cgroup line", {}, 8),
        ("0::/", {"memory.max": str(64 * GIB), "memory.current": str(GIB)}, 8),
    ],
)
def test_a_control_group_limit_lowers_the_memory_figure(
    tmp_path: Path, cgroup_line: str, files: dict[str, str], expected: float
) -> None:
    proc, cgroups = _machine(tmp_path, cgroup_line, files)
    assert available_memory(proc, cgroups) == int(expected * GIB)
