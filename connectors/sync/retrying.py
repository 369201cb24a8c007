"""Retries with tenacity: the provider's ``Retry-After`` when given, backoff otherwise."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

from connectors.sync.errors import RateLimited, Transient

T = TypeVar("T")
_BACKOFF = wait_exponential_jitter(initial=1, max=60, jitter=1)


def wait_for(max_wait: float) -> Callable[[RetryCallState], float]:
    """Never sooner than ``Retry-After``; capped so a wild value cannot park a worker."""

    def wait(state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, RateLimited) and error.retry_after is not None:
            return min(max(error.retry_after, 0.0), max_wait)
        return min(_BACKOFF(state), max_wait)

    return wait


def with_retries(
    call: Callable[[], T],
    *,
    attempts: int = 8,
    max_wait: float = 600.0,
    sleep: Callable[[float], None] = time.sleep,
    before_sleep: Callable[[RetryCallState], None] | None = None,
) -> T:
    """Run ``call``, retrying RateLimited and Transient; anything else goes up at once."""
    retrying = Retrying(
        stop=stop_after_attempt(attempts),
        wait=wait_for(max_wait),
        retry=retry_if_exception_type((RateLimited, Transient)),
        sleep=sleep,
        before_sleep=before_sleep,
        reraise=True,
    )
    return retrying(call)
