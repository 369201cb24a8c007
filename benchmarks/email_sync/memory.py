"""Peak resident memory of a process tree, as Linux records it (VmHWM, kB)."""

from __future__ import annotations

from pathlib import Path


def tree(pid: int) -> list[int]:
    """The process and all its descendants that are alive now."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                pending.extend(int(child) for child in task.read_text().split())
            except OSError:
                continue
    return found


def peak_rss_kb(pid: int) -> dict[int, int]:
    """VmHWM of every process of the tree; a process that ended meanwhile is left out."""
    peaks: dict[int, int] = {}
    for member in tree(pid):
        try:
            lines = Path(f"/proc/{member}/status").read_text().splitlines()
        except OSError:
            continue
        for line in lines:
            if line.startswith("VmHWM:"):
                peaks[member] = int(line.split()[1])
    return peaks
