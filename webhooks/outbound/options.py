"""Delivery options: the retry schedule, timeouts and batch sizes, with an admin override.

The defaults follow the Standard Webhooks producer rules. An administrator (or a test)
can override any of them in the ``webhooks.delivery`` AppSetting; every worker reads it
at the start of each run, so a change needs no restart.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from core.models import AppSetting

OPTIONS_KEY = "webhooks.delivery"

# Seconds before each attempt: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
DEFAULT_SCHEDULE: tuple[float, ...] = (0, 5, 300, 1800, 7200, 18000, 36000, 36000)


class InvalidOptions(ValueError):
    """An override names an unknown option or gives a value that cannot work."""


@dataclass(frozen=True)
class DeliveryOptions:
    retry_schedule: tuple[float, ...] = DEFAULT_SCHEDULE
    timeout_seconds: float = 15.0
    # How long a claimed delivery stays invisible to other workers: covers a whole batch.
    lease_seconds: float = 300.0
    disable_after_seconds: float = 5 * 24 * 3600.0
    max_retry_after_seconds: float = 24 * 3600.0
    rotation_grace_seconds: float = 24 * 3600.0
    batch_size: int = 200
    send_concurrency: int = 16
    run_budget_seconds: float = 20.0
    excerpt_bytes: int = 1024
    verify_tls: bool | str = True  # True, or the path of a private CA bundle

    @property
    def max_attempts(self) -> int:
        return len(self.retry_schedule)

    @property
    def disable_after(self) -> timedelta:
        return timedelta(seconds=self.disable_after_seconds)

    def __post_init__(self) -> None:
        _check(self)


def _check(options: DeliveryOptions) -> None:
    if not options.retry_schedule or any(d < 0 for d in options.retry_schedule):
        raise InvalidOptions("retry_schedule needs at least one delay, none negative")
    if options.timeout_seconds <= 0 or options.batch_size < 1 or options.send_concurrency < 1:
        raise InvalidOptions("timeout, batch size and concurrency must be positive")
    rounds = -(-options.batch_size // options.send_concurrency)
    if options.lease_seconds <= options.timeout_seconds * rounds:
        # A lease shorter than the sends it covers would let a second worker send too.
        raise InvalidOptions(
            f"lease_seconds must exceed {options.timeout_seconds * rounds:g} s, the longest "
            "a batch can take (timeout x batch size / concurrency)"
        )


def options_from(value: dict[str, Any], base: DeliveryOptions | None = None) -> DeliveryOptions:
    """Apply an override mapping (as stored in the AppSetting) to the defaults."""
    known = {f.name for f in fields(DeliveryOptions)}
    unknown = set(value) - known
    if unknown:
        raise InvalidOptions(f"unknown delivery options: {', '.join(sorted(unknown))}")
    changes = dict(value)
    if "retry_schedule" in changes:
        changes["retry_schedule"] = tuple(float(d) for d in changes["retry_schedule"])
    return replace(base or DeliveryOptions(), **changes)


def load_options(session: Session) -> DeliveryOptions:
    """The defaults with the stored override applied."""
    row = session.get(AppSetting, OPTIONS_KEY)
    return options_from(dict(row.value)) if row is not None else DeliveryOptions()
