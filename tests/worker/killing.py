"""Killing a worker the hard way, as the OOM killer or ``kill -9`` would."""

from __future__ import annotations

import os
import signal
from pathlib import Path


def kill_tree(pid: int) -> None:
    """SIGKILL a worker and every process under it, all at once (no clean shutdown)."""
    family = [pid]
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                parent = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if parent == pid:
                family.append(int(proc.name))
    for member in family:
        os.kill(member, signal.SIGKILL)
