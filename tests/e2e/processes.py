"""Start crmhub's own commands as child processes and read what they print."""

from __future__ import annotations

import contextlib
import os
import queue
import re
import signal
import subprocess
import threading
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class Child:
    """A process in its own session whose output lines are collected by a thread."""

    def __init__(self, args: Sequence[str], env: dict[str, str], cwd: Path = ROOT) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.process = subprocess.Popen(
            list(args),
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            text=True,
        )
        self._pump_thread = threading.Thread(target=self._pump, daemon=True)
        self._pump_thread.start()

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def expect(self, pattern: str, timeout: float = 120) -> re.Match[str]:
        """Wait for an output line matching the pattern; fail with the output so far."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout  # for the match, however chatty the process
        while True:
            try:
                line = self.lines.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                raise AssertionError(
                    f"no line matching {pattern!r} within {timeout} s; output:\n"
                    + "\n".join(self.seen[-40:])
                ) from None
            self.seen.append(line)
            match = regex.search(line)
            if match:
                return match

    def interrupt(self) -> int:
        """Ctrl-C as a terminal sends it: SIGINT to the whole process group."""
        os.killpg(self.process.pid, signal.SIGINT)
        return self.wait()

    def wait(self, timeout: float = 60) -> int:
        try:
            return self.process.wait(timeout=timeout)
        finally:
            self.kill_group()
            self._pump_thread.join(timeout=10)
            if self.process.stdout is not None:
                self.process.stdout.close()

    def output(self) -> list[str]:
        """Every line printed so far (call after ``wait``), blank lines left out."""
        return [line for line in [*self.seen, *self.lines.queue] if line.strip()]

    def stop(self) -> None:
        """Ask politely (SIGINT to the group, as Ctrl-C would), then kill what is left."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGINT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=45)
        self.kill_group()

    def kill_group(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


def crmhub_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRMHUB_")}
    env["CRMHUB_DATA_DIR"] = str(data_dir)
    env.update(extra)
    return env


def processes_with_env(entry: str) -> list[int]:
    """Pids whose environment holds ``entry`` (e.g. a test's unique CRMHUB_DATA_DIR)."""
    needle = entry.encode()
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        with contextlib.suppress(OSError):
            if needle in environ.read_bytes().split(b"\0"):
                found.append(int(environ.parent.name))
    return found


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True
