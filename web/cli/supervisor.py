"""Run several child processes as one: start them, watch them, stop them together.

Children run in their own sessions, so a Ctrl-C reaches only this process, which then
asks every child to stop (SIGTERM), waits, and kills what is left. If one child dies,
the others are stopped too: a half-running hub is worse than a stopped one.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import signal
import socket
import subprocess
import threading
import time
from types import FrameType

STOP_TIMEOUT = 30.0
START_TIMEOUT = 60.0
POLL_INTERVAL = 0.2
PR_SET_PDEATHSIG = 1


class Supervisor:
    def __init__(self, commands: dict[str, list[str]], web_port: int) -> None:
        self.commands = commands
        self.web_port = web_port
        self.children: dict[str, subprocess.Popen[bytes]] = {}
        self.failure: str | None = None
        self._stop = threading.Event()

    def start(self) -> None:
        """Start every child and return once the web server accepts connections."""
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self._on_signal)
        for name, command in self.commands.items():
            self.children[name] = subprocess.Popen(  # noqa: S603 - our own commands
                command,
                start_new_session=True,
                preexec_fn=die_with_parent,  # noqa: PLW1509 - no threads run yet here
            )
        deadline = time.monotonic() + START_TIMEOUT
        while not port_in_use(self.web_port):
            dead = self._first_dead()
            if dead or time.monotonic() > deadline:
                self.failure = f"{dead or 'web'} did not start"
                self.stop()
                raise RuntimeError(self.failure)
            self._stop.wait(POLL_INTERVAL)

    def wait(self) -> int:
        """Block until a signal or a child's death; stop everything; return the exit code."""
        while not self._stop.is_set():
            dead = self._first_dead()
            if dead:
                code = self.children[dead].returncode
                self.failure = f"the {dead} process exited with status {code}; stopping the rest"
                self.stop()
                return code or 1
            self._stop.wait(POLL_INTERVAL)
        self.stop()
        return 0

    def stop(self) -> None:
        for child in self.children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for child in self.children.values():
            remaining = max(deadline - time.monotonic(), 0.1)
            try:
                child.wait(timeout=remaining)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()

    @property
    def stopping(self) -> bool:
        """A signal asked everything to stop (the caller's loops should end)."""
        return self._stop.is_set()

    @property
    def child_died(self) -> bool:
        """One of the children has exited (``wait`` then stops the rest)."""
        return self._first_dead() is not None

    def pause(self, seconds: float) -> None:
        """Wait, waking early when a stop is asked for."""
        self._stop.wait(seconds)

    def _first_dead(self) -> str | None:
        return next((name for name, c in self.children.items() if c.poll() is not None), None)

    def _on_signal(self, _signum: int, _frame: FrameType | None) -> None:
        self._stop.set()


def die_with_parent() -> None:
    """In the child: get SIGTERM if the supervisor dies, even by SIGKILL (Linux).

    Children live in their own sessions so that Ctrl-C reaches only the supervisor;
    without this, a supervisor killed outright would leave them running.
    """
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def port_in_use(port: int) -> bool:
    """True when something accepts connections on the loopback port."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False
