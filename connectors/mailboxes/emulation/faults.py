"""Fault switches: dataclass fields set from Python or from JSON over the admin route,
and seeded dice so a run with the same seed fails the same calls."""

from __future__ import annotations

import dataclasses
import random
import threading
from typing import Any


class Dice:
    def __init__(self, seed: int = 0) -> None:
        self._rng = random.Random(seed)  # noqa: S311 - reproducible fault injection
        self._lock = threading.Lock()

    def roll(self, probability: float) -> bool:
        if probability <= 0:
            return False
        with self._lock:
            return self._rng.random() < probability


def apply_settings(target: Any, settings: dict[str, Any]) -> None:
    """Set dataclass fields from a JSON object; unknown names and wrong types raise."""
    fields = {field.name: field for field in dataclasses.fields(target)}
    for name, value in settings.items():
        if name not in fields or name.startswith("_"):
            raise ValueError(f"unknown switch {name!r}")
        current = getattr(target, name)
        if isinstance(current, bool) and not isinstance(value, bool):
            raise ValueError(f"{name} takes true or false")
        if isinstance(current, int | float) and not isinstance(current, bool):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{name} takes a number")
            setattr(target, name, type(current)(value))
        else:
            setattr(target, name, value)


def as_dict(target: Any) -> dict[str, Any]:
    return {f.name: getattr(target, f.name) for f in dataclasses.fields(target)}
