"""Gmail's published limits and the emulator's fault switches.

Every field can be changed from Python (``emulator.limits.quota_per_minute = 500``) or
over ``POST /_emulator/faults`` / ``POST /_emulator/limits`` with a JSON object.
"""

from __future__ import annotations

from dataclasses import dataclass, field

UNIT_COSTS = {
    "messages.list": 5,
    "messages.get": 5,
    "history.list": 2,
    "getProfile": 1,
    "watch": 100,
    "stop": 50,
}


@dataclass
class GmailLimits:
    """Per-user quota and concurrency. ``rate_limit_status`` 403 answers as Gmail also
    does (reason ``userRateLimitExceeded``) instead of 429."""

    quota_per_minute: int = 15_000
    quota_period: float = 60.0
    concurrent_per_user: int = 50
    max_batch: int = 100
    max_page: int = 500
    rate_limit_status: int = 429
    history_max_age: float = 7 * 24 * 3600.0
    retry_after_tolerance: float = 0.05
    costs: dict[str, int] = field(default_factory=lambda: dict(UNIT_COSTS))


@dataclass
class GmailFaults:
    """Switches for failure tests; all off by default.

    ``rate_limit_fraction``: share of API calls answered 429 with Retry-After.
    ``batch_part_rate_limit_fraction``: share of batch parts answered 429 in a 200 batch.
    ``server_error_fraction``: share of API calls answered 503.
    ``history_404_next``: the next N history.list calls answer 404 (expired cursor).
    ``latency``: seconds added to every HTTP request (a batch counts once).
    ``retry_after``: seconds announced by injected 429s.
    """

    rate_limit_fraction: float = 0.0
    batch_part_rate_limit_fraction: float = 0.0
    server_error_fraction: float = 0.0
    history_404_next: int = 0
    latency: float = 0.0
    retry_after: int = 1
    seed: int = 0
