"""Read a SQLite store into the operating system's page cache when a worker starts.

A resolve looks keys up at random places in a few large indexes. On a fresh machine (or
after the cache was dropped) each of those pages comes from disk: on a stored store of
1M customers (5 GB) a new process resolved at p50 10.5-11.6 ms, p99 27.6-32.6 ms, and
it would take hours of traffic to pull the whole file in. Reading the file once at
worker start (8.5 s, 3 s of CPU, in a background thread) brought the next resolves to
p50 7.2-7.6 ms, p99 17.5-18.6 ms: the figures of a store that has been in use all along.
PostgreSQL has ``pg_prewarm`` for the same reason; this is its SQLite counterpart.

How the file is read matters. With the kernel's sequential read-ahead (a plain
sequential read, or ``MADV_POPULATE_READ`` over a mapping) the store was cached as fast,
but the background checkpoints that followed took 60-105 ms instead of 25-31 and p99
stayed at 21-26 ms: the cache then holds the file in large blocks, which we believe are
written back whole for each changed page. With ``POSIX_FADV_RANDOM`` on the descriptor
the pages are cached one by one, as SQLite's own reads would cache them. The bytes go
to ``/dev/null`` through ``sendfile``, so nothing is copied into this process.

A store larger than half the memory available is not read (what the system reports, or
the headroom of the process's memory control group where that is less, as in a container
with a memory limit): it would push out what other processes need and could not stay
cached anyway.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.db import Database

log = logging.getLogger(__name__)

STEP_BYTES = 16 * 1024 * 1024  # one sendfile call; the thread yields between calls
MEMORY_SHARE = 0.5  # the largest store read, as a share of the available memory


def available_memory(
    proc: Path = Path("/proc"), cgroups: Path = Path("/sys/fs/cgroup")
) -> int | None:
    """Bytes this process may still fill (page cache included), if known: what the
    system reports available, or less where its control group has a memory limit (a
    container), whose headroom the system-wide figure does not show."""
    figures = [_meminfo_available(proc / "meminfo"), *_cgroup_headrooms(proc, cgroups)]
    known = [figure for figure in figures if figure is not None]
    return min(known) if known else None


def _meminfo_available(meminfo: Path) -> int | None:
    """Linux's MemAvailable; elsewhere the free physical pages, where the system says."""
    try:
        for line in meminfo.read_text(encoding="ascii").splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def _cgroup_headrooms(proc: Path, cgroups: Path) -> list[int | None]:
    """Limit minus use of this process's memory control group, version 2 or 1."""
    try:
        lines = (proc / "self" / "cgroup").read_text(encoding="ascii").splitlines()
    except OSError:
        return []
    headrooms = []
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        _, controllers, path = parts
        relative = path.lstrip("/")
        if controllers == "":  # version 2
            folder = cgroups / relative
            headrooms.append(_headroom(folder / "memory.max", folder / "memory.current"))
        elif "memory" in controllers.split(","):  # version 1
            folder = cgroups / "memory" / relative
            limit, usage = folder / "memory.limit_in_bytes", folder / "memory.usage_in_bytes"
            headrooms.append(_headroom(limit, usage))
    return headrooms


_NO_LIMIT = 1 << 62  # version 1 writes "no limit" as a number near 2**63


def _headroom(limit_file: Path, usage_file: Path) -> int | None:
    try:
        limit = limit_file.read_text(encoding="ascii").strip()
        if limit == "max" or int(limit) >= _NO_LIMIT:
            return None
        return max(0, int(limit) - int(usage_file.read_text(encoding="ascii").strip()))
    except (OSError, ValueError):
        return None


def prewarm_file(path: Path, budget: int | None, step: int = STEP_BYTES) -> int:
    """Read ``path`` through the page cache; the bytes read (0: skipped, and why is logged).

    ``budget`` is the largest file read (None: no limit).
    """
    size = path.stat().st_size
    if budget is not None and size > budget:
        log.info(
            "%s not preloaded: %.1f MB is more than the %.1f MB it may take of memory",
            path,
            size / 1048576,
            budget / 1048576,
        )
        return 0
    descriptor = os.open(path, os.O_RDONLY)
    try:
        if hasattr(os, "posix_fadvise"):
            os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_RANDOM)
        return _read_through(descriptor, size, step)
    finally:
        os.close(descriptor)


def _read_through(descriptor: int, size: int, step: int) -> int:
    """Read ``size`` bytes to nowhere: ``sendfile`` to /dev/null, or ``preadv`` where the
    system cannot send a file to it."""
    done = 0
    sink = os.open(os.devnull, os.O_WRONLY)
    try:
        while done < size:
            sent = os.sendfile(sink, descriptor, done, min(step, size - done))
            if sent == 0:
                break  # the file shrank meanwhile
            done += sent
        return done
    except OSError:
        return done + _read_into_buffer(descriptor, done, size, step)
    finally:
        os.close(sink)


def _read_into_buffer(descriptor: int, start: int, size: int, step: int) -> int:
    buffer = bytearray(min(step, 1024 * 1024))
    done = start
    while done < size:
        read = os.preadv(descriptor, [buffer], done)
        if read == 0:
            break
        done += read
    return done - start


def prewarm_store(database: Database, enabled: bool) -> threading.Thread | None:
    """Start preloading ``database``'s file when it is a SQLite store and the setting
    (``Settings.sqlite_prewarm``) allows; None otherwise (PostgreSQL has its own cache)."""
    path = database.sqlite_file
    if path is None or not enabled:
        return None
    return start_prewarm(path)


def start_prewarm(path: Path, share: float = MEMORY_SHARE) -> threading.Thread:
    """Preload ``path`` from a daemon thread; a failure is logged, never raised."""

    def run() -> None:
        started = time.monotonic()
        memory = available_memory()
        try:
            read = prewarm_file(path, None if memory is None else int(memory * share))
        except OSError as exc:
            log.warning("%s not preloaded: %s", path, exc)
            return
        if read:
            seconds = time.monotonic() - started
            log.info("preloaded %.1f MB of %s in %.1f s", read / 1048576, path, seconds)

    thread = threading.Thread(target=run, name="crmhub-sqlite-prewarm", daemon=True)
    thread.start()
    return thread
