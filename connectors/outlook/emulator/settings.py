"""Graph's published mail limits and the emulator's fault switches.

Change them from Python (``emulator.faults.throttle_fraction = 0.3``) or with a JSON
object posted to ``/_emulator/faults`` / ``/_emulator/limits``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class GraphLimits:
    """Per app and mailbox: 10,000 requests per 10 minutes, 4 at once."""

    requests_per_window: int = 10_000
    window: float = 600.0
    concurrent_per_mailbox: int = 4
    concurrency_retry_after: int = 1
    default_page_size: int = 10
    max_page_size: int = 1000
    validation_timeout: float = 10.0
    notification_timeout: float = 3.0
    max_subscription_minutes: int = 4230
    require_https_notification_url: bool = False
    retry_after_tolerance: float = 0.05


@dataclass
class GraphFaults:
    """Switches for failure tests; all off by default.

    ``throttle_fraction``: share of Graph calls answered 429 with Retry-After.
    ``unavailable_fraction``: share answered 503 (with Retry-After).
    ``delta_expired_next``: the next N delta calls with a token answer 410 Gone.
    ``delta_expired_status`` / ``delta_expired_code``: how an expired token is answered.
    ``latency``: seconds added to every Graph call.
    ``retry_after``: seconds announced by injected 429 and 503 answers.
    """

    throttle_fraction: float = 0.0
    unavailable_fraction: float = 0.0
    delta_expired_next: int = 0
    delta_expired_status: int = 410
    delta_expired_code: str = "syncStateNotFound"
    latency: float = 0.0
    retry_after: int = 1
    seed: int = 0
