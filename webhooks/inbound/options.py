"""The knobs of the inbox: request limits, batch size, claim lease, sweeper delay."""

from __future__ import annotations

from dataclasses import dataclass

from connectors.bodies import MAX_JSON_DEPTH

DEFAULT_MAX_BYTES = 1024 * 1024


@dataclass(frozen=True)
class InboundLimits:
    """What a request may be: larger bodies get 413, deeper JSON 400."""

    max_body_bytes: int = DEFAULT_MAX_BYTES
    max_json_depth: int = MAX_JSON_DEPTH


@dataclass(frozen=True)
class InboxOptions:
    """How stored events are worked off.

    ``lease_seconds``: a claimed event whose worker vanished is pending again after it.
    ``requeue_after_seconds``: a pending event queued longer ago than this is queued
    again by the sweeper (its broker message was lost, or the broker was down).
    ``max_attempts``: an event claimed this often without an outcome is given up.
    """

    batch_size: int = 50
    lease_seconds: float = 300.0
    requeue_after_seconds: float = 60.0
    max_attempts: int = 5
